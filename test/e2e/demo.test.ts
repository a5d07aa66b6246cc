// `pnpm demo` (scripts/demo.mjs) cleans up after itself: its temporary repository is gone at the end unless DEMO_KEEP=1.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** Runs the demo with its own TMPDIR, so what it leaves behind can be listed. */
async function demo(env: Record<string, string> = {}) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'orch-demo-test-'));
  onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
  const out = await run(process.execPath, [path.join(root, 'scripts', 'demo.mjs')], {
    cwd: root,
    env: { ...process.env, TMPDIR: tmp, DEMO_KEEP: '', ...env },
    encoding: 'utf8',
  });
  return { ...out, left: readdirSync(tmp) };
}

describe('pnpm demo', () => {
  it('removes its temporary repository when it is done', async () => {
    const { stdout, left } = await demo();
    expect(stdout).toContain('orchestrate -C ');
    expect(left).toEqual([]);
  }, 60_000);

  it('keeps it with DEMO_KEEP=1 and prints where it is', async () => {
    const { stdout, left } = await demo({ DEMO_KEEP: '1' });
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^orchestrate-demo-/);
    const kept = /\(demo repository kept at (.+)\)/.exec(stdout)?.[1];
    expect(kept && existsSync(path.join(kept, '.git'))).toBe(true);
  }, 60_000);
});
