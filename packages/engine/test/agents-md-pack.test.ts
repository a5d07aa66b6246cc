// runTask() on the fake with packed docstring jobs: the AGENTS.md block every item of a pack shares is sent once,
// after the items; a repository without AGENTS.md sends the packed input it always sent.
import { readFile } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../../../test/fake/openai-server.js';
import { fakeModelEnv, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { docStep, inputText } from '../../../test/e2e/openai-script.js';
import { paramFields } from '../../../test/fake/doc-fields.js';

const FOUR = Array.from(
  { length: 4 },
  (_, i) => `export function f${i}(x${i}: number): number {\n  return x${i} + ${i};\n}\n`,
).join('\n');

/** Answers from the request's schema: every item of a packed worker call gets a doc. */
function handler(req: FakeRequest): FakeReply {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  if (props.steps) return { json: { steps: [docStep({ paths: ['src/'] })], unsupported: null } };
  if (props.rejections) return { json: { rejections: [] } };
  const answer = (schema: any) => {
    const out: Record<string, unknown> = { summary: 'Adds the index.', ...paramFields(schema, (p) => `The ${p}.`) };
    if (schema.properties?.returns) out.returns = 'The sum.';
    return out;
  };
  const items = props.items?.properties as Record<string, any> | undefined;
  if (!items) return { json: answer(req.schema) };
  return { json: { items: Object.fromEntries(Object.entries(items).map(([k, s]) => [k, answer(s)])) } };
}

/** One run of `add docstrings` over the files, packing 4 jobs a call; the packed worker inputs it sent. */
async function packedInputs(files: Record<string, string>, onFinished: (fn: () => Promise<void>) => void) {
  const repo = makeRepo({ ...files, 'agents.config.ts': 'export default { packing: { maxJobs: 4 } };\n' });
  const server = await startFakeOpenAI(handler);
  onFinished(async () => {
    await server.close();
    repo.cleanup();
  });
  const options = { cwd: repo.dir, engine: 'openai', task: 'add docstrings to src/math.ts' } as const;
  const env = fakeModelEnv(server, 'k');
  const dry = (await runEngine({ ...options, env, dryRun: true })).report;
  const { report } = await runEngine({ ...options, env });
  const packed = server.log.filter((e) => e.request.schema?.properties?.items);
  return { report, dry, inputs: packed.map((e) => inputText(e.request)) };
}

describe.concurrent('packed calls and AGENTS.md', () => {
  it('without AGENTS.md, a pack sends byte for byte what it sent before', async ({ expect, onTestFinished }) => {
    const { report, inputs } = await packedInputs({ 'src/math.ts': FOUR }, onTestFinished);
    expect(report.jobs).toMatchObject({ total: 4, succeeded: 4 });
    expect(inputs).toHaveLength(1);
    await expect(inputs[0]).toMatchFileSnapshot('./__baseline__/pack-without-agents.txt');
  });

  it('with a root AGENTS.md, the block the items share is sent once, after the items', async ({
    expect,
    onTestFinished,
  }) => {
    const agents = '# Guide\n\n## Code style\n\nWrite TSDoc in plain sentences.\n';
    const { report, dry, inputs } = await packedInputs({ 'src/math.ts': FOUR, 'AGENTS.md': agents }, onTestFinished);
    expect(report.jobs).toMatchObject({ total: 4, succeeded: 4 });
    expect(inputs).toHaveLength(1);
    const input = inputs[0]!;
    expect(input.split('Repository conventions (AGENTS.md):')).toHaveLength(2);
    expect(input.split('Write TSDoc in plain sentences.')).toHaveLength(2);
    // The items are what they were without AGENTS.md; the block follows the last one under its own heading.
    const baseline = await readFile(new URL('./__baseline__/pack-without-agents.txt', import.meta.url), 'utf8');
    expect(input.startsWith(`${baseline}\n\n## For every item above\nRepository conventions (AGENTS.md):\n`)).toBe(
      true,
    );
    expect(input.indexOf('## For every item above')).toBeGreaterThan(input.indexOf('## j4'));
    // The dry run packs the jobs as the run does (its token count is checked in context.test.ts).
    const estimated = dry.estimate.perModel['gpt-5.4-nano'];
    expect(estimated.calls).toBe(1);
  });
});
