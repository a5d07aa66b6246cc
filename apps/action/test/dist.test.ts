// The committed dist/ and action.yml are what a workflow runs: this rebuilds both into a temporary folder and compares
// every file byte for byte, so a source change without a rebuild fails here rather than in someone's workflow. The one
// test that rebuilds the bundle (a few seconds of CPU).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ACTION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIX = 'run `pnpm --filter @orchestrate/action build` and commit apps/action/dist and apps/action/action.yml';
const out = mkdtempSync(path.join(tmpdir(), 'action-dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return (
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      // jiti's cache of the config files a run loaded through the bundle (git-ignored), not part of a build.
      .filter((f) => !f.startsWith(path.join('node_modules', '.cache') + path.sep))
      .sort()
  );
}

describe('dist', () => {
  it('is what the sources build (else: run the build and commit dist/)', () => {
    execFileSync(process.execPath, [path.join(ACTION, 'scripts', 'build.mjs'), '--out', out], { stdio: 'pipe' });
    const committed = path.join(ACTION, 'dist');
    const built = path.join(out, 'dist');
    expect(files(committed), `dist/ has other files than a build makes: ${FIX}`).toEqual(files(built));
    const stale = files(built).filter(
      (f) => !readFileSync(path.join(built, f)).equals(readFileSync(path.join(committed, f))),
    );
    expect(stale, `dist/ is stale: ${FIX}`).toEqual([]);
    const yml = (dir: string) => readFileSync(path.join(dir, 'action.yml'), 'utf8');
    expect(yml(ACTION) === yml(out), `action.yml is stale: ${FIX}`).toBe(true);
  });
});
