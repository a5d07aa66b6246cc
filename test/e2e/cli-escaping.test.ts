// End-to-end: text from a model or a repository reaches the terminal escaped (issue #12, section 2). A hostile planner
// answer (NUL, ESC[2J, BEL, U+202E in names and paths it asks for) and a hostile file name go through the real CLI; no
// raw control or bidi character reaches stdout or stderr, and each is shown as a visible `\uXXXX` escape.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from '../fake/openai-server.js';
import { runCli } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';
import { docStep, fakeEnv, MATH_TS, scripted } from './openai-script.js';

const HOSTILE = 'x\u0000y\u001b[2Jz\u0007w\u202ev';
/** The same without NUL, which neither a file name nor a command-line argument can hold. */
const HOSTILE_NAME = 'y\u001b[2Jz\u0007w\u202ev\u0001';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

let repo: TempRepo | undefined;
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  repo?.cleanup();
  server = undefined;
  repo = undefined;
});

/** Fails naming the first raw control or bidi character in `text`. */
function expectNoRaw(text: string, where: string): void {
  const m = RAW.exec(text);
  expect(
    m
      ? `${where} has raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 40), m.index + 20))}`
      : null,
  ).toBeNull();
}

describe('model and repository text on the terminal (real CLI)', () => {
  it('a hostile planner answer is echoed escaped in warnings (stderr) and the summary (stdout)', async () => {
    repo = makeRepo({ 'src/math.ts': MATH_TS });
    const step = docStep({ names: ['add', HOSTILE], paths: ['src/math.ts', `src/${HOSTILE}.ts`] });
    server = await startFakeOpenAI(scripted({ steps: [step] }));
    const r = await runCli(
      ['-C', repo.dir, '--engine', 'openai', '--planning', 'model', 'add docstrings to src/math.ts'],
      fakeEnv(server),
    );
    expect(r.stderr + r.stdout).toContain('x\\u0000y\\u001b[2Jz\\u0007w\\u202ev');
    expectNoRaw(r.stdout, 'stdout');
    expectNoRaw(r.stderr, 'stderr');
  });

  it('a hostile file name is escaped in the dry run, the summary, `runs` and `show`', async () => {
    repo = makeRepo({ [`src/${HOSTILE_NAME}.ts`]: 'export function f(a: number): number {\n  return a;\n}\n' });
    const dry = await runCli(['-C', repo.dir, '--dry-run', `add docstrings to src/ ${HOSTILE_NAME}`]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('y\\u001b[2Jz\\u0007w\\u202ev\\u0001');
    expectNoRaw(dry.stdout, 'dry-run stdout');
    expectNoRaw(dry.stderr, 'dry-run stderr');
    const real = await runCli(['-C', repo.dir, `add docstrings to src/ ${HOSTILE_NAME}`]);
    expectNoRaw(real.stdout, 'run stdout');
    expectNoRaw(real.stderr, 'run stderr');
    const runs = await runCli(['runs', '-C', repo.dir]);
    expect(runs.stdout).toContain('\\u001b[2J');
    expectNoRaw(runs.stdout, 'runs stdout');
    const id = runs.stdout.split('\n')[1]!.split(/\s+/)[0]!;
    const show = await runCli(['show', id, '-C', repo.dir]);
    expect(show.exitCode, show.stderr).toBe(0);
    expectNoRaw(show.stdout, 'show stdout');
  });

  it('an error message that embeds repository or user text is escaped', async () => {
    repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n' });
    const r = await runCli(['show', `no-such-run`, '-C', repo.dir]);
    expect(r.exitCode).toBe(2);
    const bad = await runCli(['review', `${HOSTILE_NAME}..HEAD`, '-C', repo.dir]);
    expect(bad.exitCode).not.toBe(0);
    expectNoRaw(bad.stderr, 'review error stderr');
  });
});
