#!/usr/bin/env node
// Copies the bundled demo repository to a temporary directory, makes it a git repository, runs orchestrate on it with
// the offline engine, and shows the result: the run branch, its commit and the diff.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = mkdtempSync(path.join(tmpdir(), 'orchestrate-demo-'));
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
  process.exitCode = err.status ?? 1;
}
const branch = git('branch', '--list', 'orchestrate/*', '--format=%(refname:short)').trim();
if (branch) {
  console.log(`\n$ git log --format='%h %s%n%b' -1 ${branch}`);
  console.log(git('log', '--format=%h %s%n%b', '-1', branch));
  console.log(`$ git diff main ${branch} -- src/math.ts`);
  console.log(git('diff', 'main', branch, '--', 'src/math.ts'));
}
console.log(`(demo repository left at ${dir})`);
