import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempRepos } from '../../../test/helpers/repo.js';
import type { PlanStep } from '@orchestrate/core';
import { indexFiles } from '@orchestrate/repo';
import { formatPlanNote, JobRejected, jobKind, kindContextFor } from '../src/index.js';

const repos = tempRepos(afterEach);

/** A plain temp folder (no git) holding `files`, removed after the test. */
const makeRepo = (files: Record<string, string>): string =>
  repos.make(files, { git: false, prefix: 'jobs-reformat-' }).dir;

const step = (): PlanStep => ({
  id: 'step-1',
  kind: 'reformat',
  variant: 'format',
  selector: {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: false,
    changedSince: null,
  },
  instructions: '',
});

function contextFor(root: string, files: Record<string, string>) {
  return kindContextFor(indexFiles(Object.entries(files).map(([p, text]) => ({ path: p, text }))), { root });
}

describe('reformat/format', () => {
  it('formats every file of the step in one formatter process and notes the formatter in the plan', async () => {
    const log = path.join(makeRepo({}), 'loads.log');
    // A stand-in for the repository's prettier that logs each time a process loads it and upper-cases nothing.
    const root = makeRepo({
      'package.json': JSON.stringify({ devDependencies: { prettier: '3' } }),
      'node_modules/prettier/package.json': '{ "name": "prettier", "version": "3.0.0-fake", "main": "index.js" }',
      'node_modules/prettier/index.js': [
        `require('node:fs').appendFileSync(${JSON.stringify(log)}, 'load\\n');`,
        'exports.version = "3.0.0-fake";',
        'exports.getFileInfo = async () => ({ ignored: false, inferredParser: "typescript" });',
        'exports.resolveConfig = async () => null;',
        'exports.format = async (text) => text.replace(/ +/g, " ");',
      ].join('\n'),
    });
    const files = {
      'a.ts': 'export  const a = 1;\n',
      'b.ts': 'export const b = 2;\n',
      'c.ts': 'export   const c = 3;\n',
    };
    const ctx = contextFor(root, files);
    const kind = jobKind('reformat');
    const s = step();
    const targets = kind.select(s, ctx);
    expect(targets).toHaveLength(3);
    expect(formatPlanNote(s)).toBe(
      "step-1: formatter: the repository's prettier 3.0.0-fake (prettier in package.json)",
    );
    const outputs = await Promise.all(targets.map((t) => kind.offline(t, ctx)));
    expect(outputs).toEqual([
      { text: 'export const a = 1;\n' },
      { text: 'export const b = 2;\n' },
      { text: 'export const c = 3;\n' },
    ]);
    expect(readFileSync(log, 'utf8')).toBe('load\n');
    expect(kind.apply(targets[1]!, outputs[1], ctx)).toEqual({ edits: [], newFiles: [], annotations: [] });
  });

  it('a formatter that cannot run gives each job its reason (refused before writing), never a throw', async () => {
    const root = makeRepo({ 'biome.json': '{}' });
    const ctx = contextFor(root, { 'a.ts': 'export const a = 1;\n' });
    const kind = jobKind('reformat');
    const [target] = kind.select(step(), ctx);
    const output = await kind.offline(target!, ctx);
    expect(output).toEqual({ error: expect.stringMatching(/biome.*not installed.*npm install/) });
    expect(() => kind.apply(target!, output, ctx)).toThrow(JobRejected);
  });
});
