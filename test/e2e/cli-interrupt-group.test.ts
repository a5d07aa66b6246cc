// End-to-end: Ctrl-C on a terminal sends SIGINT to the whole foreground process group, so the git processes the CLI
// runs at that moment get it too (`timeout -s INT` does the same). A git killed that way must not turn the graceful
// stop into an internal error with a stack trace (issue #12, section 3): the run stops as interrupted, exit 130.
// A `git` wrapper on PATH sends the group's SIGINT while the CLI's first `ls-tree` runs: no timing.
import { spawn, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { makeRepo, type TempRepo } from '../helpers/repo.js';

let repo: TempRepo | undefined;
let bin: string | undefined;
afterEach(() => {
  repo?.cleanup();
  if (bin) rmSync(bin, { recursive: true, force: true });
  repo = undefined;
  bin = undefined;
});

/** A folder with a `git` that, the first time it is asked for `ls-tree`, sends SIGINT to the CLI's process group. */
function gitThatPressesCtrlC(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orch-ctrlc-bin-'));
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const script = [
    '#!/bin/sh',
    'case " $* " in',
    `  *" ls-tree "*) if [ ! -e "${dir}/pressed" ]; then : > "${dir}/pressed"; kill -INT -"$CTRLC_GROUP"; sleep 0.2; fi ;;`,
    'esac',
    `exec "${realGit}" "$@"`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'git'), script);
  chmodSync(path.join(dir, 'git'), 0o755);
  return dir;
}

describe.skipIf(process.platform === 'win32')('Ctrl-C while a git command runs', () => {
  it('stops the run as interrupted (exit 130, how to resume), not with an internal error', async () => {
    repo = makeRepo({ 'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' });
    const before = repo.snapshot();
    bin = gitThatPressesCtrlC();
    // Its own process group, like a shell's foreground job: the SIGINT reaches the CLI and its children, not vitest.
    // The shell is the group's leader and execs the CLI, so the group id is `$$`.
    const args = [CLI, '-C', repo.dir, '--engine', 'offline', '--yes', 'add docstrings to src/math.ts'];
    const child = spawn('sh', ['-c', 'CTRLC_GROUP=$$ exec "$0" "$@"', process.execPath, ...args], {
      env: {
        ...process.env,
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        OPENAI_API_KEY: '',
        OPENAI_BASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/internal error|GitError|\n\s+at /);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/orchestrate resume \d{8}-\d{6}-[0-9a-f]{4}/);
    expect(repo.snapshot()).toBe(before);
  });
});
