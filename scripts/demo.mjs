#!/usr/bin/env node
// Copies the bundled demo repository to a temporary directory, makes it a git repository, runs orchestrate on it with
// the offline engine, and shows the result: the run branch, its commit and the diff. The directory is removed at the
// end, on failure and on Ctrl-C; DEMO_KEEP=1 keeps it (and prints where it is) for a look around.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const keep = Boolean(process.env.DEMO_KEEP) && process.env.DEMO_KEEP !== '0';
const dir = mkdtempSync(path.join(tmpdir(), 'orchestrate-demo-'));

/** Removes the demo directory, or says where it is when the user asked to keep it. */
function finish() {
  if (keep) console.log(`(demo repository kept at ${dir})`);
  else rmSync(dir, { recursive: true, force: true });
}

// Ctrl-C reaches the orchestrate child too (same process group); the handler only has to clean up after it.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(signal, () => {
    finish();
    process.exit(code);
  });
}

try {
  cpSync(path.join(root, 'examples', 'demo-repo'), dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '-A');
  git('-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '--quiet', '-m', 'demo repository');

  const task = process.argv[2] ?? 'add docstrings to the public API';
  console.log(`$ orchestrate -C ${dir} --engine offline --yes "${task}"\n`);
  const cli = path.join(root, 'apps', 'cli', 'bin', 'orchestrate.js');
  try {
    execFileSync(process.execPath, [cli, '-C', dir, '--engine', 'offline', '--yes', task], { stdio: 'inherit' });
  } catch (err) {
    if (err.signal) throw err; // interrupted: nothing to show
    process.exitCode = err.status ?? 1;
  }
  const branch = git('branch', '--list', 'orchestrate/*', '--format=%(refname:short)').trim();
  if (branch) {
    console.log(`\n$ git log --format='%h %s%n%b' -1 ${branch}`);
    console.log(git('log', '--format=%h %s%n%b', '-1', branch));
    console.log(`$ git diff main ${branch} -- src/math.ts`);
    console.log(git('diff', 'main', branch, '--', 'src/math.ts'));
  }
} catch (err) {
  if (!err.signal) console.error(`demo failed: ${err.message}`);
  process.exitCode = err.signal ? 130 : process.exitCode || 1;
} finally {
  finish();
}
