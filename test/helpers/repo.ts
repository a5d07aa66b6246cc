import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary git repository for a test. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, content: string): void;
  read(file: string): string;
  /** A fingerprint of everything the user owns: working tree files, index, HEAD, current branch, stash. */
  snapshot(): string;
  cleanup(): void;
}

const IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com'];

/**
 * Makes a temporary repository with `files`, committed as one initial commit unless `commit: false`; with `parent`, the
 * repository is made inside that directory (so a test can watch what lies next to it).
 */
export function makeRepo(files: Record<string, string>, options: { commit?: boolean; parent?: string } = {}): TempRepo {
  const dir = mkdtempSync(path.join(options.parent ?? tmpdir(), 'orch-test-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  git('init', '--quiet', '--initial-branch=main');
  const write = (file: string, content: string) => {
    const abs = path.join(dir, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  for (const [file, content] of Object.entries(files)) write(file, content);
  if (options.commit !== false && Object.keys(files).length) {
    git('add', '-A');
    git(...IDENTITY, 'commit', '--quiet', '-m', 'initial');
  }
  return {
    dir,
    git,
    write,
    read: (file) => readFileSync(path.join(dir, file), 'utf8'),
    snapshot() {
      const tracked = git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean).sort();
      const contents = tracked.map((f) => {
        let body: string;
        try {
          body = readFileSync(path.join(dir, f), 'utf8');
        } catch {
          body = '<missing>';
        }
        return `${f}\n${body}`;
      });
      const index = readFileSync(path.join(dir, '.git', 'index')).toString('base64');
      const head = readFileSync(path.join(dir, '.git', 'HEAD'), 'utf8');
      const headSha = git('rev-parse', 'HEAD');
      let stash = '';
      try {
        stash = git('stash', 'list');
      } catch {
        stash = '';
      }
      return [head, headSha, index, stash, ...contents].join('\n---\n');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
