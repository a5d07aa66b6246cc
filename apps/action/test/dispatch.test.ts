import { describe, expect, it } from 'vitest';
import {
  EnvironmentError,
  GitHubApiError,
  InternalError,
  REPORT_HINT,
  UsageError,
  type ReviewFinding,
} from '@orchestrate/core';
import { chooseMode, conclusionOf, failureMessage, failureReasons, runMode } from '../src/dispatch.js';
import type { ActionEnv, ActionInputs, ModeResult, SummaryReport } from '../src/types.js';

const INPUTS: ActionInputs = {
  mode: 'auto',
  task: '',
  engine: 'auto',
  openaiApiKey: '',
  apiKeys: {},
  baseUrl: null,
  models: {},
  budgetUsd: 0.5,
  failOn: 'error',
  maxComments: 25,
  githubToken: 't',
  artifactPath: null,
};
const env = (eventName: string, event: Record<string, unknown> = {}): ActionEnv => ({
  eventName,
  event,
  owner: 'acme',
  repo: 'widgets',
  apiUrl: 'http://127.0.0.1:1',
  graphqlUrl: 'http://127.0.0.1:1/graphql',
  serverUrl: 'http://127.0.0.1:1',
  runId: '1',
  runAttempt: '1',
  workspace: '/ws',
  temp: '/tmp',
  actor: 'octocat',
  runUrl: 'http://127.0.0.1:1/acme/widgets/actions/runs/1',
});
const PR = { action: 'opened', number: 3, pull_request: { number: 3 } };
const comment = (body: string, action = 'created', onPr = true) => ({
  action,
  issue: { number: 3, ...(onPr ? { pull_request: { url: 'u' } } : {}) },
  comment: { id: 8, body, user: { login: 'octocat' } },
});
const RUN = { workflow_run: { id: 2, event: 'pull_request', head_sha: 'a'.repeat(40), head_branch: 'f' } };

describe('chooseMode', () => {
  it('auto: review on pull_request(_target), task on an /orchestrate comment, post on workflow_run', () => {
    expect(chooseMode(INPUTS, env('pull_request', PR))).toEqual({ mode: 'review' });
    expect(chooseMode(INPUTS, env('pull_request_target', PR))).toEqual({ mode: 'review' });
    expect(chooseMode(INPUTS, env('issue_comment', comment('/orchestrate add docs')))).toEqual({ mode: 'task' });
    const post = { ...INPUTS, artifactPath: 'results' };
    expect(chooseMode(post, env('workflow_run', RUN))).toEqual({ mode: 'post' });
  });

  it('auto skips, saying why: another event, a closed PR, a comment that is no command or not on a PR', () => {
    const skip = (e: ActionEnv) => {
      const r = chooseMode(INPUTS, e);
      if (!('skip' in r)) throw new Error(`chose ${r.mode}`);
      return r.skip;
    };
    expect(skip(env('push'))).toMatch(/mode auto does nothing on the push event: set the mode input/);
    expect(skip(env('pull_request', { ...PR, action: 'closed' }))).toBe('the pull request was closed');
    expect(skip(env('issue_comment', comment('looks good')))).toMatch(/not an `\/orchestrate <task>` command/);
    expect(skip(env('issue_comment', comment('x\n/orchestrate later line')))).toMatch(/not an/);
    expect(skip(env('issue_comment', comment('/orchestratefoo')))).toMatch(/not an/);
    expect(skip(env('issue_comment', comment('/orchestrate x', 'edited')))).toBe('the comment was edited, not created');
    expect(skip(env('issue_comment', comment('/orchestrate x', 'created', false)))).toMatch(
      /on an issue, not on a pull/,
    );
  });

  it('an explicit mode on an event it cannot serve, or without an input it needs, is E_USAGE naming it', () => {
    const usage = (inputs: Partial<ActionInputs>, e: ActionEnv) => {
      expect(() => chooseMode({ ...INPUTS, ...inputs }, e)).toThrow(UsageError);
      try {
        chooseMode({ ...INPUTS, ...inputs }, e);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(usage({ mode: 'review' }, env('push'))).toMatch(/mode review works on a pull request, and the push event/);
    expect(usage({ mode: 'collect' }, env('workflow_dispatch'))).toMatch(/mode collect/);
    expect(usage({ mode: 'post', artifactPath: 'r' }, env('pull_request', PR))).toMatch(
      /mode post runs on workflow_run/,
    );
    expect(usage({ mode: 'post' }, env('workflow_run', RUN))).toMatch(/needs the artifact-path input/);
    expect(usage({}, env('workflow_run', RUN))).toMatch(/artifact-path/);
    expect(usage({ mode: 'task' }, env('pull_request', PR))).toMatch(/mode task needs the task input/);
    expect(chooseMode({ ...INPUTS, mode: 'task', task: 'x' }, env('pull_request', PR))).toEqual({ mode: 'task' });
    expect(chooseMode({ ...INPUTS, mode: 'collect' }, env('pull_request', PR))).toEqual({ mode: 'collect' });
  });
});

const report = (over: Partial<SummaryReport> = {}): SummaryReport =>
  ({
    id: 'r1',
    engine: 'offline',
    status: 'completed',
    jobs: { total: 2, succeeded: 2, failed: 0, skipped: 0 },
    usage: {},
    costUsd: 0,
    budgetUsd: 0.5,
    durationMs: 1,
    warnings: [],
    commits: [],
    baseCommit: 'b'.repeat(40),
    branch: null,
    ...over,
  }) as SummaryReport;
const finding = (severity: ReviewFinding['severity']) => ({ severity }) as ReviewFinding;
const result = (over: Partial<ModeResult> = {}): ModeResult => ({
  runId: 'r1',
  reportPath: null,
  sarifPath: null,
  costUsd: 0,
  commentsPosted: 0,
  findings: [],
  report: report(),
  problems: [],
  ...over,
});

describe('conclusionOf', () => {
  it('fails on a finding at fail-on or worse, never with never', () => {
    const r = result({ findings: [finding('warning'), finding('note')] });
    expect(conclusionOf(r, 'error')).toBe('success');
    expect(conclusionOf(r, 'warning')).toBe('failure');
    expect(failureReasons(r, 'note')).toEqual(['2 findings at note or worse (fail-on: note)']);
    expect(conclusionOf(result({ findings: [finding('error')] }), 'never')).toBe('success');
  });

  it('fails on a run that did not end well, and on publishing that failed; skipped wins', () => {
    const budget = result({ report: report({ status: 'budget-exceeded', costUsd: 0.51 }) });
    expect(conclusionOf(budget, 'never')).toBe('failure');
    expect(failureReasons(budget, 'never')[0]).toMatch(
      /stopped at its budget \(\$0\.5100 of \$0\.5\).*raise budget-usd/,
    );
    const jobs = result({
      report: report({ status: 'completed-with-failures', jobs: { total: 3, succeeded: 2, failed: 1, skipped: 0 } }),
    });
    expect(failureReasons(jobs, 'never')).toEqual(['1 of 3 jobs failed (the summary lists them)']);
    expect(conclusionOf(result({ publishFailed: true }), 'never')).toBe('failure');
    expect(conclusionOf(result({ report: report({ status: 'nothing-to-do' }) }), 'error')).toBe('success');
    expect(conclusionOf(result({ report: null }), 'error')).toBe('success');
    expect(conclusionOf(result({ skipped: 'closed', publishFailed: true }), 'error')).toBe('skipped');
  });
});

describe('failureMessage', () => {
  const o = { version: '1.2.3', known: ['sk-secret'] };

  it('E_NO_API_KEY names the openai-api-key input and engine offline', () => {
    const err = new EnvironmentError('E_NO_API_KEY', 'The openai engine needs OPENAI_API_KEY.');
    const msg = failureMessage(err, o);
    expect(msg).toMatch(/^\[E_NO_API_KEY\] The openai engine needs OPENAI_API_KEY\. /);
    expect(msg).toContain('`openai-api-key: ${{ secrets.OPENAI_API_KEY }}`');
    expect(msg).toContain('`engine: offline`');
  });

  it('a GitHub API error says what to do for its own status: a refused token is not a fork', () => {
    const refused = new GitHubApiError('GET /user failed (401): Bad credentials', 401, 'GET', '/user');
    const msg = failureMessage(refused, o);
    expect(msg).toMatch(/^\[E_GITHUB_API\] GET \/user failed \(401\): Bad credentials\. The token was refused/);
    expect(msg).toContain('`github-token`');
    expect(msg).not.toContain('collect/post');
  });

  it("a bug says how to report it, in the action's words, once; never a stack trace", () => {
    const internal = failureMessage(new InternalError('state x'), o);
    expect(internal).toMatch(
      /^\[E_INTERNAL\] internal: state x\. This is a bug in orchestrate's GitHub Action \(1\.2\.3\)/,
    );
    expect(internal).not.toContain(REPORT_HINT);
    expect(internal.match(/This is a bug/g)).toHaveLength(1);
    const plain = failureMessage(new TypeError("Cannot read properties of undefined (reading 'x')"), o);
    expect(plain).toMatch(
      /^\[E_INTERNAL\] internal error: Cannot read .*\. This is a bug in orchestrate's GitHub Action/,
    );
    expect(plain).not.toMatch(/\n\s+at /);
    expect(failureMessage('boom', o)).toMatch(/^\[E_INTERNAL\] internal error: boom\. /);
  });

  it('a user error keeps its message; secrets are redacted and control characters escaped', () => {
    const msg = failureMessage(new UsageError('input x: bad sk-secret \u001b[2J'), o);
    expect(msg).toBe('[E_USAGE] input x: bad [redacted] \\u001b[2J');
  });
});

describe('runMode', () => {
  it("runs the chosen mode's runner from the table", async () => {
    const seen: string[] = [];
    const table = {
      review: async () => async () => (seen.push('review'), result()),
      task: async () => async () => (seen.push('task'), result()),
      collect: async () => async () => (seen.push('collect'), result()),
      post: async () => async () => (seen.push('post'), result()),
    };
    await runMode({} as never, 'collect', table);
    expect(seen).toEqual(['collect']);
  });
});
