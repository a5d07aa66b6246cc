// runTask() on the wire-level fake: the AGENTS.md files from the root down to a job's folder reach its worker, root
// first and capped; a repository without one sends exactly what it always sent.
import { describe, it } from 'vitest';
import { MATH_TS, engineScenario, inputText, served, workerSymbol } from '../../../test/e2e/openai-script.js';

/**
 * The math.ts workers' inputs as they were before AGENTS.md was read per folder (no `Declaration:` line: the code's
 * first line says it): a repository without one keeps them.
 */
const MATH_INPUTS: Record<string, string> = {
  add: 'File: src/math.ts\n```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```',
  divide:
    "File: src/math.ts\n```ts\nexport function divide(numerator: number, denominator: number): number {\n  if (denominator === 0) throw new RangeError('division by zero');\n  return numerator / denominator;\n}\n```",
  clamp:
    'File: src/math.ts\n```ts\nexport function clamp(value: number, low: number, high: number): number {\n  return Math.min(high, Math.max(low, value));\n}\n```',
};

const ROOT_AGENTS = [
  '# Guide',
  '',
  '## Code style',
  '',
  'Write TSDoc in plain sentences.',
  '',
  '## Releasing',
  '',
  'Publish with changesets from CI.',
  '',
].join('\n');
const SRC_AGENTS = ['## Documentation', '', 'Name the unit of every number parameter.', ''].join('\n');

/** The conventions block of a worker's input, from its heading to the end. */
const blockOf = (input: string) => input.slice(input.indexOf('Repository conventions (AGENTS.md):'));

describe.concurrent('runTask: AGENTS.md root → leaf', () => {
  it('without AGENTS.md, the math.ts workers get exactly what they got before', async ({ expect, onTestFinished }) => {
    const run = await engineScenario({ files: { 'src/math.ts': MATH_TS } }, onTestFinished);
    expect(run.error).toBeNull();
    const workers = served(run.server, 'worker');
    expect(workers).toHaveLength(3);
    for (const { request } of workers) expect(inputText(request)).toBe(MATH_INPUTS[workerSymbol(request)]);
  });

  it('with AGENTS.md at the root and in src/, each worker gets both, root first, within agentsMd.maxTokens', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await engineScenario(
      {
        files: {
          'src/math.ts': MATH_TS,
          'AGENTS.md': ROOT_AGENTS,
          'src/AGENTS.md': SRC_AGENTS,
          'lib/AGENTS.md': '## Documentation\n\nA sibling folder: never sent for src/.\n',
          'lib/util.ts': 'export const unit = 1;\n',
        },
        prepare: (repo) => {
          repo.write('src/AGENTS.md', '## Documentation\n\nAn uncommitted edit: never sent.\n');
          repo.write('src/AGENTS.override.md', '## Documentation\n\nAn untracked override: never sent.\n');
        },
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    expect(run.report!.status).toBe('completed');
    expect(run.repo.snapshot()).toBe(run.before);
    const workers = served(run.server, 'worker');
    expect(workers).toHaveLength(3);
    for (const { request } of workers) {
      const input = inputText(request);
      // The job's own pack is unchanged; the conventions come after it.
      expect(input.startsWith(`${MATH_INPUTS[workerSymbol(request)]}\n`)).toBe(true);
      const block = blockOf(input);
      const root = block.indexOf('(from AGENTS.md)\n');
      const src = block.indexOf('(from src/AGENTS.md)\n');
      expect(root).toBeGreaterThan(0);
      expect(src).toBeGreaterThan(root);
      expect(block).toContain('Write TSDoc in plain sentences.');
      expect(block).toContain('Name the unit of every number parameter.');
      for (const absent of ['changesets', 'sibling folder', 'uncommitted', 'untracked'])
        expect(block).not.toContain(absent);
      expect(Math.ceil(block.length / 3.5)).toBeLessThanOrEqual(400);
    }
    expect(run.report!.warnings.filter((w: string) => w.includes('agentsMd'))).toEqual([]);
  });

  it('agentsMd.maxBytes cuts the chain, with one warning for the run', async ({ expect, onTestFinished }) => {
    const run = await engineScenario(
      {
        files: { 'src/math.ts': MATH_TS, 'AGENTS.md': ROOT_AGENTS, 'src/AGENTS.md': SRC_AGENTS },
        config: `export default { agentsMd: { maxBytes: ${ROOT_AGENTS.length + 20} } };\n`,
      },
      onTestFinished,
    );
    expect(run.error).toBeNull();
    const cut = run.report!.warnings.filter((w: string) => w.includes('agentsMd.maxBytes'));
    expect(cut).toHaveLength(1);
    expect(cut[0]).toContain('src/AGENTS.md was cut');
    for (const { request } of served(run.server, 'worker')) {
      const block = blockOf(inputText(request));
      expect(block).toContain('(from AGENTS.md)');
      expect(block).not.toContain('Name the unit of every number parameter.');
    }
  });

  it('a bad agentsMd value is E_CONFIG naming the key, before any model call', async ({ expect, onTestFinished }) => {
    const run = await engineScenario(
      { files: { 'src/math.ts': MATH_TS }, config: 'export default { agentsMd: { maxTokens: -5 } };\n' },
      onTestFinished,
    );
    expect(run.error).toMatchObject({ code: 'E_CONFIG' });
    expect(run.error!.message).toContain('agentsMd.maxTokens');
    expect(run.server.log).toHaveLength(0);
  });
});
