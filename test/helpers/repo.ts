// The one helper for temporary repositories in every test of the monorepo (engine, repo, jobs, e2e): a real git
// repository (or a plain folder) in the system's temp directory, and snapshots of what the user owns in it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { snapshotUserTree } from './user-tree.js';

export {
  bytesChanged,
  changedParts,
  hashFiles,
  snapshotUserTree,
  type TreeEntry,
  type UserTreeSnapshot,
} from './user-tree.js';

/** A temporary git repository for a test. */
export interface TempRepo {
  /** The repository's root, a real path (no symlink in it). */
  dir: string;
  /** Runs git in the repository and returns its stdout; throws on a non-zero exit. */
  git(...args: string[]): string;
  /** Writes a file (relative to the root), making its folders. */
  write(file: string, content: string): void;
  read(file: string): string;
  remove(file: string): void;
  /** Stages everything and commits it (empty commits allowed) as the test identity; returns the new HEAD. */
  commit(message: string): string;
  /**
   * A fingerprint of everything the user owns (working tree files, index, HEAD, current branch, stash), as one string
   * for `toBe`: the JSON of `snapshotUserTree`.
   */
  snapshot(): string;
  cleanup(): void;
}

/** How `makeRepo` makes the repository. */
export interface MakeRepoOptions {
  /** Commit the files as one initial commit. @default true (nothing is committed when there are no files) */
  commit?: boolean;
  /** Make the repository inside this directory (so a test can watch what lies next to it). @default os.tmpdir() */
  parent?: string;
  /** The initial branch. @default 'main' */
  branch?: string;
  /** `git init` the folder; false makes a plain folder (tools that need no git). @default true */
  git?: boolean;
  /** The temp folder's name prefix. @default 'orch-test-' */
  prefix?: string;
  /** Git config set after the initial commit, as a user who turns it on later would (`[key, value]` pairs). */
  config?: Array<[string, string]>;
}

/** A committer identity for a test's own commits (the machine may have none). */
export const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

/**
 * Makes a temporary repository with `files`, committed as one initial commit unless `commit: false`; with `parent`, the
 * repository is made inside that directory.
 */
export function makeRepo(files: Record<string, string> = {}, options: MakeRepoOptions = {}): TempRepo {
  const dir = realpathSync(mkdtempSync(path.join(options.parent ?? tmpdir(), options.prefix ?? 'orch-test-')));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const write = (file: string, content: string) => {
    const abs = path.join(dir, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  const commit = (message: string) => {
    git('add', '-A');
    git(...IDENTITY, 'commit', '--quiet', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  if (options.git !== false) git('init', '--quiet', `--initial-branch=${options.branch ?? 'main'}`);
  for (const [file, content] of Object.entries(files)) write(file, content);
  if (options.git !== false && options.commit !== false && Object.keys(files).length) {
    git('add', '-A');
    git(...IDENTITY, 'commit', '--quiet', '-m', 'initial');
  }
  for (const [key, value] of options.config ?? []) git('config', key, value);
  return {
    dir,
    git,
    write,
    commit,
    read: (file) => readFileSync(path.join(dir, file), 'utf8'),
    remove: (file) => unlinkSync(path.join(dir, file)),
    snapshot: () => JSON.stringify(snapshotUserTree(dir)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Temp repositories removed after each test: call once at the top of a test file (`const repos = tempRepos(afterEach)`)
 * and make repositories with `repos.make(...)`.
 */
export function tempRepos(afterEach: (fn: () => void) => void): { make: typeof makeRepo } {
  const made: TempRepo[] = [];
  afterEach(() => {
    for (const repo of made.splice(0)) repo.cleanup();
  });
  return {
    make: (files, options) => {
      const repo = makeRepo(files, options);
      made.push(repo);
      return repo;
    },
  };
}
