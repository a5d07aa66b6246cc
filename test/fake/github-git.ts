// The fake GitHub's git plumbing on its bare repository: refs, merge bases, comparisons, the protected-branch hook
// and the test merge commit of a pull request.
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Runs git in the bare repository; throws on a non-zero exit. */
export function git(bare: string, args: string[], input?: string): string {
  return execFileSync('git', ['-c', 'core.quotePath=false', '-c', 'color.ui=never', ...args], {
    cwd: bare,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
}

/** Every ref of the repository and the object it points at. */
export function listRefs(bare: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of git(bare, ['for-each-ref', '--format=%(objectname) %(refname)']).split('\n')) {
    const at = line.indexOf(' ');
    if (at > 0) out.set(line.slice(at + 1), line.slice(0, at));
  }
  return out;
}

/** The commit a revision names, or null when there is none. */
export function resolveCommit(bare: string, rev: string): string | null {
  if (!/^[\w./@^~-]+$/.test(rev) || rev.startsWith('-')) return null;
  try {
    return git(bare, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim() || null;
  } catch {
    return null;
  }
}

/** The merge base of two commits, or null when they share no history. */
export function mergeBaseOf(bare: string, a: string, b: string): string | null {
  try {
    return git(bare, ['merge-base', a, b]).trim() || null;
  } catch {
    return null;
  }
}

/** The commits of `base..head`, oldest first. */
export function commitsBetween(bare: string, base: string, head: string): string[] {
  const out = git(bare, ['rev-list', '--reverse', `${base}..${head}`]).trim();
  return out ? out.split('\n') : [];
}

/** A commit's message, author and dates, as the commits API shows them. */
export function commitInfo(bare: string, sha: string): { message: string; name: string; email: string; date: string } {
  const [name = '', email = '', date = '', ...message] = git(bare, ['show', '-s', '--format=%an%n%ae%n%aI%n%B', sha])
    .replace(/\n+$/, '')
    .split('\n');
  return { name, email, date, message: message.join('\n') };
}

/** GitHub's compare of `base...head`: the status seen from base, counts, and the merge base. */
export function compareCommits(
  bare: string,
  base: string,
  head: string,
): {
  status: 'ahead' | 'behind' | 'diverged' | 'identical';
  aheadBy: number;
  behindBy: number;
  mergeBase: string;
} | null {
  const mergeBase = mergeBaseOf(bare, base, head);
  if (!mergeBase) return null;
  const aheadBy = commitsBetween(bare, base, head).length;
  const behindBy = commitsBetween(bare, head, base).length;
  const status =
    base === head
      ? 'identical'
      : behindBy === 0
        ? aheadBy === 0
          ? 'identical'
          : 'ahead'
        : aheadBy
          ? 'diverged'
          : 'behind';
  return { status, aheadBy, behindBy, mergeBase };
}

/** Whether `file` exists at `commit`. */
export function existsAt(bare: string, commit: string, file: string): boolean {
  try {
    git(bare, ['cat-file', '-e', `${commit}:${file}`]);
    return true;
  } catch {
    return false;
  }
}

/** Makes the bare repository answer fetches by SHA (as GitHub does) and refuse pushes to protected branches. */
export function prepareBare(bare: string, protectedBranches: readonly string[]): void {
  git(bare, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  git(bare, ['config', 'uploadpack.allowFilter', 'true']);
  const hookDir = git(bare, ['rev-parse', '--git-path', 'hooks']).trim();
  const hook = path.resolve(bare, hookDir, 'pre-receive');
  const refs = protectedBranches.map((b) => `refs/heads/${b}`);
  writeFileSync(
    hook,
    [
      '#!/bin/sh',
      '# The fake GitHub: protected branches refuse every push, as a branch protection rule does.',
      `protected='${refs.join(' ').replace(/'/g, '')}'`,
      'status=0',
      'while read old new ref; do',
      '  for p in $protected; do',
      '    if [ "$ref" = "$p" ]; then',
      '      echo "error: GH006: Protected branch update failed for $ref." >&2',
      '      status=1',
      '    fi',
      '  done',
      'done',
      'exit $status',
      '',
    ].join('\n'),
  );
  chmodSync(hook, 0o755);
}

/** Makes GitHub's test merge of `head` into `base` (`refs/pull/N/merge`); null on a conflict. */
export function makeMergeCommit(bare: string, n: number, base: string, head: string): string | null {
  let tree: string;
  try {
    tree = git(bare, ['merge-tree', '--write-tree', base, head]).split('\n')[0]!.trim();
  } catch {
    return null;
  }
  // A fixed date: the same PR state gives the same merge commit, however many times (and seconds apart) it is asked for.
  const date = '2026-01-01T00:00:00Z';
  const identity = {
    GIT_AUTHOR_NAME: 'GitHub',
    GIT_AUTHOR_EMAIL: 'noreply@github.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
  const sha = execFileSync('git', ['commit-tree', tree, '-p', base, '-p', head, '-m', `Merge ${head} into ${base}`], {
    cwd: bare,
    encoding: 'utf8',
    env: { ...process.env, ...identity, GIT_COMMITTER_NAME: 'GitHub', GIT_COMMITTER_EMAIL: 'noreply@github.com' },
  }).trim();
  git(bare, ['update-ref', `refs/pull/${n}/merge`, sha]);
  return sha;
}
