// What the action's end-to-end tests share: a developer repository whose branch `feature` is PR 1 of a bare "origin"
// served by the fake GitHub, code with offline-rule findings, readers of what the action posted (reviews, finding and
// summary markers, the report, SARIF), and fake-model handlers for the openai engine's review and task jobs.
import { expect, onTestFinished } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubCall,
  type FakeGitHubOptions,
} from '../fake/github-server.js';
import type { FakeRequest } from '../fake/openai-server.js';
import { hunkAt } from '../fake/github-diff.js';
import { tempDir, type ActionRun } from '../helpers/action.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { inputText, workerAnswer, workerSymbol } from './openai-script.js';
import { kindHandler, roleOf } from './kinds-script.js';

/** A clean module on main. */
export const APP = 'export function area(width: number, height: number): number {\n  return width * height;\n}\n';

/** Code the offline rules flag (unused import, any, console.log, ==, empty catch, TODO), named by `n`. */
export const issues = (n: number) => `import { join } from 'node:path';

export function load${n}(x: any): number {
  console.log(x);
  if (x == ${n}) return ${n};
  try {
    JSON.parse('{');
  } catch {}
  // TODO: clean up ${n}
  return 0;
}
`;

/** The developer's repository, the fake over its bare origin, and a push of a branch of the former to the latter. */
export interface Origin {
  dev: TempRepo;
  github: FakeGitHub;
  bare: string;
  push(ref: string): void;
}

/**
 * main holds `files` (APP as src/app.ts by default); `feature` (checked out afterwards) adds `issues(1)` to src/app.ts,
 * or does what `feature` says; PR 1 is feature → main (set `pulls` for others, e.g. a fork's).
 */
export async function prOrigin(
  o: { files?: Record<string, string>; feature?: (dev: TempRepo) => void; fake?: Partial<FakeGitHubOptions> } = {},
): Promise<Origin> {
  const dev = makeRepo(o.files ?? { 'src/app.ts': APP });
  onTestFinished(() => dev.cleanup());
  dev.git('checkout', '-q', '-b', 'feature');
  if (o.feature) o.feature(dev);
  else {
    dev.write('src/app.ts', APP + '\n' + issues(1));
    dev.commit('load things');
  }
  const bare = path.join(tempDir('orch-origin-'), 'origin.git');
  execFileSync('git', ['clone', '--quiet', '--bare', dev.dir, bare]);
  const github = await startFakeGitHub({
    bareRepo: bare,
    pulls: [{ number: 1, headRef: 'feature', baseRef: 'main', title: 'Load things', user: 'contributor' }],
    permissions: { maintainer: 'write', contributor: 'read' },
    ...o.fake,
  });
  onTestFinished(() => github.close());
  return { dev, github, bare, push: (ref) => void dev.git('push', '--quiet', '--force', bare, ref) };
}

/** A PR branch that merged main after main changed other lines (a file with findings, a header on src/app.ts). */
export function mergedMain(d: TempRepo): void {
  d.write('src/app.ts', APP + '\n' + issues(1));
  d.commit('load things');
  d.git('checkout', '-q', 'main');
  d.write('src/main-only.ts', issues(3));
  d.write('src/app.ts', '// a header main added\n' + APP);
  d.commit('main moves on');
  d.git('checkout', '-q', 'feature');
  d.git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'merge', '--quiet', '--no-edit', 'main');
}

/** PR 2 from the fork octo/widgets: its head only under refs/pull/2/head of the origin, as GitHub keeps it. */
export async function forkOrigin(): Promise<Origin> {
  const origin = await prOrigin({
    feature: (d) => {
      d.git('checkout', '-q', '-b', 'patch-1');
      d.write('src/app.ts', APP + '\n' + issues(1));
      d.commit('a fork change');
      d.git('checkout', '-q', 'main');
      d.git('branch', '-q', '-D', 'feature');
    },
    fake: { pulls: [{ number: 2, headRef: 'patch-1', baseRef: 'main', fork: 'octo/widgets' }], readOnly: true },
  });
  origin.dev.git('push', '--quiet', origin.bare, 'patch-1:refs/pull/2/head');
  origin.dev.git('push', '--quiet', origin.bare, ':refs/heads/patch-1');
  return origin;
}

/** The base inputs of a run: the fake's token and the offline engine, never failing on findings. */
export const offline = (g: FakeGitHub, more: Record<string, string> = {}) => ({
  'github-token': g.token,
  engine: 'offline',
  'fail-on': 'never',
  ...more,
});

/** The review calls of PR `n` (accepted ones only, unless `all`). */
export function reviewCalls(g: FakeGitHub, n = 1, all = false): FakeGitHubCall[] {
  return g.calls.filter(
    (c) => c.method === 'POST' && c.path.endsWith(`/pulls/${n}/reviews`) && (all || c.status === 200),
  );
}

/** The hidden marker on the last line of a finding comment. */
export function findingMarker(body: string): { v: number; fp: string; sev: string; rule: string } | null {
  const m = /<!-- orchestrate:finding (\{.*\}) -->\s*$/.exec(body);
  return m ? (JSON.parse(m[1]!) as { v: number; fp: string; sev: string; rule: string }) : null;
}

/** The sticky summary comment the token's user posted on PR `n` and its marker (asserting there is exactly one). */
export function summaryComment(g: FakeGitHub, n = 1): { id: number; body: string; marker: Record<string, any> } {
  const mine = g.state.issueComments.filter(
    (c) => c.issue === n && c.authorType === 'Bot' && c.body.includes('<!-- orchestrate:summary'),
  );
  expect(mine, 'exactly one summary comment').toHaveLength(1);
  const m = /<!-- orchestrate:summary (\{.*?\}) -->/.exec(mine[0]!.body)!;
  return { id: mine[0]!.id, body: mine[0]!.body, marker: JSON.parse(m[1]!) as Record<string, any> };
}

/** Every inline comment the fake accepted lies in the PR's hunks now (RIGHT side, a range inside one hunk). */
export function expectInDiff(g: FakeGitHub, n = 1): void {
  const hunks = g.hunks(n);
  expect(g.calls.filter((c) => c.status === 422)).toEqual([]);
  for (const call of reviewCalls(g, n)) {
    for (const c of (call.body as any).comments ?? []) {
      const h = hunkAt(hunks.get(c.path) ?? [], 'RIGHT', c.line);
      expect(h, `${c.path}:${c.line} is outside the PR's diff`).not.toBeNull();
      expect(c.side ?? 'RIGHT').toBe('RIGHT');
      if (c.start_line != null) expect(hunkAt(hunks.get(c.path)!, 'RIGHT', c.start_line)).toBe(h);
    }
  }
}

/** A path output of the action (absolute, or relative to the workspace). */
export function outputPath(run: ActionRun, name: string, workspace: string): string {
  const value = run.outputs[name];
  expect(value, `output ${name}`).toBeTruthy();
  return path.resolve(workspace, value!);
}

/** The run's report.json (the `report` output). */
export function reportOf(run: ActionRun, workspace: string): Record<string, any> {
  return JSON.parse(readFileSync(outputPath(run, 'report', workspace), 'utf8')) as Record<string, any>;
}

/** Every file under `dir`, relative, sorted. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Text that must never reach GitHub: a failing stack trace. */
export const STACK = /^\s+at .+:\d+:\d+\)?$/m;

// ajv is a devDependency of @orchestrate/jobs: loaded from there (as test/e2e/review-cli.test.ts does).
const fromJobs = createRequire(new URL('../../packages/jobs/package.json', import.meta.url));
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/** The official SARIF 2.1.0 schema (draft-04) for ajv: its `id` becomes `$id`; patterns are not unicode regexes. */
export function sarifValidator(): Validate {
  const Ajv = fromJobs('ajv') as new (options: object) => { compile(schema: object): Validate };
  const addFormats = fromJobs('ajv-formats') as (ajv: unknown) => void;
  const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-2.1.0.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

/** The `Changed lines: a-b` of a review worker request. */
export function hunkOf(input: string): { start: number; end: number } {
  const m = /Changed lines: (\d+)-(\d+)/.exec(input);
  if (!m) throw new Error('review request names no hunk');
  return { start: Number(m[1]), end: Number(m[2]) };
}

/** A schema-shaped model annotation on `line` (every property the schema asks for; no code fix). */
export function note(req: FakeRequest, line: number, ruleId: string, message: string): Record<string, unknown> {
  const props = (req.schema?.properties?.annotations?.items?.properties ?? {}) as Record<string, unknown>;
  const all: Record<string, unknown> = {
    line,
    endLine: line,
    severity: 'warning',
    ruleId,
    message,
    suggestion: null,
    confidence: 0.9,
    replacement: null,
  };
  return Object.fromEntries(Object.keys(props).map((k) => [k, all[k] ?? null]));
}

/** A fake model for review runs: one annotation per hunk on its first line, with `message(file, hunk)`. */
export function reviewModel(message: (input: string) => string = () => 'A model finding.') {
  return kindHandler({
    worker: (input, req) => {
      const { start } = hunkOf(input);
      return { annotations: [note(req, start, 'model-finding', message(input))] };
    },
  });
}

/** A fake model for a docstring task on src/math.ts whose verifier rejects the `rejected` symbol. */
export function docstringModel(rejected: string) {
  return kindHandler({
    steps: [
      {
        kind: 'docstring',
        variant: null,
        changedSince: null,
        paths: ['src/math.ts'],
        declarationKinds: [],
        names: [],
        exportedOnly: false,
        includeDocumented: false,
        instructions: '',
      },
    ],
    worker: (_input, req) => workerAnswer(req, workerSymbol(req)),
    // The verifier is shown each declaration's head (`export function sub(a: number, …`).
    accept: (item) => !item.text.includes(`function ${rejected}(`),
  });
}

export { inputText, roleOf };
