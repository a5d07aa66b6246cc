import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  ConfigError,
  EnvironmentError,
  EXIT_CODES,
  GitError,
  GitHubApiError,
  InternalError,
  InterruptedError,
  isOrchestrateError,
  ModelError,
  ModelFaultError,
  type OrchestrateError,
  PathNotFoundError,
  REPORT_HINT,
  UnsupportedTaskError,
  UsageError,
  UserError,
  WorkingTreeError,
} from '../src/index.js';

describe('error classes', () => {
  it('every user error is userFacing with exit 2, except a budget (1) and an interruption (130)', () => {
    const cases: Array<[OrchestrateError, string, number]> = [
      [new UsageError('x'), 'E_USAGE', 2],
      [new ConfigError('x'), 'E_CONFIG', 2],
      [new EnvironmentError('E_NO_COMMITS', 'x'), 'E_NO_COMMITS', 2],
      [new UnsupportedTaskError('E_NOTHING_TO_DO', 'x'), 'E_NOTHING_TO_DO', 2],
      [new PathNotFoundError('x', ['a.ts']), 'E_PATH_NOT_FOUND', 2],
      [new WorkingTreeError('E_DIRTY_TREE', 'x'), 'E_DIRTY_TREE', 2],
      [new ModelError('x'), 'E_MODEL', 2],
      [new BudgetExceededError('x'), 'E_BUDGET', 1],
      [new InterruptedError('x'), 'E_INTERRUPTED', 130],
    ];
    for (const [err, code, exit] of cases) {
      expect(err).toBeInstanceOf(UserError);
      expect(err).toMatchObject({ code, userFacing: true, processExitCode: exit });
      expect(isOrchestrateError(err)).toBe(true);
    }
    expect(EXIT_CODES).toEqual({ ok: 0, failures: 1, usage: 2, interrupted: 130 });
  });

  it('an internal error is a bug: not userFacing, exit 1, and its message says how to report it', () => {
    const err = new InternalError('a state that cannot happen.');
    expect(err).toMatchObject({ code: 'E_INTERNAL', userFacing: false, processExitCode: 1, name: 'InternalError' });
    expect(err.message.startsWith('internal: a state that cannot happen. ')).toBe(true);
    expect(err.message.endsWith(REPORT_HINT)).toBe(true);
  });

  it("a git error keeps git's exit code apart from the process's", () => {
    const locked = new GitError(['commit'], 128, "fatal: Unable to create '/r/.git/index.lock': File exists.");
    expect(locked).toMatchObject({ code: 'E_GIT_LOCKED', userFacing: true, exitCode: 128, processExitCode: 2 });
    const other = new GitError(['log'], 1, 'boom');
    expect(other).toMatchObject({ code: 'E_GIT', userFacing: false, exitCode: 1, processExitCode: 1 });
  });

  it("a GitHub API error is the user's to fix but fails the run (exit 1), and keeps status, method and route", () => {
    const err = new GitHubApiError(
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews failed (403)',
      403,
      'POST',
      '/x',
      {
        githubMessage: 'Resource not accessible by integration',
      },
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'E_GITHUB_API', userFacing: true, processExitCode: 1, name: 'GitHubApiError' });
    expect(err).toMatchObject({ status: 403, method: 'POST', route: '/x', rateLimit: null });
    expect(err.githubMessage).toBe('Resource not accessible by integration');
    const limited = new GitHubApiError('x', 429, 'GET', '/y', {
      rateLimit: { resetAt: 1_700_000_000, retryAfter: null },
    });
    expect(limited.rateLimit).toEqual({ resetAt: 1_700_000_000, retryAfter: null });
    expect(new GitHubApiError('x', 0, 'GET', '/y').githubMessage).toBe('');
  });

  it('model faults are orchestrate errors a shell treats as bugs', () => {
    class Refused extends ModelFaultError {
      readonly code = 'E_REJECTED';
    }
    const refused = new Refused('no');
    expect(refused).toMatchObject({ code: 'E_REJECTED', userFacing: false, processExitCode: 1, name: 'Refused' });
    expect(isOrchestrateError(new Refused('no'))).toBe(true);
    expect(isOrchestrateError(new Error('plain'))).toBe(false);
  });
});
