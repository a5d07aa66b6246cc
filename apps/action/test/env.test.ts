import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventAction, eventComment, eventPullNumber, eventWorkflowRun, readActionEnv } from '../src/env.js';

const HEAD = 'a'.repeat(40);
const dir = mkdtempSync(path.join(tmpdir(), 'action-env-'));
let n = 0;
const envFor = (eventName: string, payload: unknown, extra: Record<string, string> = {}) => {
  const file = path.join(dir, `event-${n++}.json`);
  writeFileSync(file, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return readActionEnv({
    GITHUB_REPOSITORY: 'acme/widgets',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: file,
    ...extra,
  });
};

describe('readActionEnv', () => {
  it('reads the GITHUB_* variables, with github.com defaults', () => {
    const env = envFor(
      'pull_request',
      { pull_request: { number: 3 } },
      {
        GITHUB_API_URL: 'http://127.0.0.1:9/api/v3/',
        GITHUB_SERVER_URL: 'http://127.0.0.1:9',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_WORKSPACE: '/ws',
        RUNNER_TEMP: '/rt',
        GITHUB_ACTOR: 'octocat',
      },
    );
    expect(env).toMatchObject({
      eventName: 'pull_request',
      owner: 'acme',
      repo: 'widgets',
      apiUrl: 'http://127.0.0.1:9/api/v3',
      graphqlUrl: 'http://127.0.0.1:9/api/v3/graphql',
      serverUrl: 'http://127.0.0.1:9',
      runId: '77',
      runAttempt: '2',
      workspace: '/ws',
      temp: '/rt',
      actor: 'octocat',
      runUrl: 'http://127.0.0.1:9/acme/widgets/actions/runs/77/attempts/2',
    });
    const plain = readActionEnv({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_RUN_ID: '5' });
    expect(plain).toMatchObject({
      event: {},
      apiUrl: 'https://api.github.com',
      graphqlUrl: 'https://api.github.com/graphql',
      runUrl: 'https://github.com/acme/widgets/actions/runs/5',
      temp: tmpdir(),
      workspace: process.cwd(),
    });
  });

  it('refuses a missing or malformed repository and an unreadable or non-object payload, saying where it runs', () => {
    expect(() => readActionEnv({})).toThrow(/GITHUB_REPOSITORY is not set: this action runs as a step/);
    expect(() => readActionEnv({ GITHUB_REPOSITORY: 'a/b/c' })).toThrow(/not owner\/name/);
    expect(() => readActionEnv({ GITHUB_REPOSITORY: 'a/b', GITHUB_EVENT_PATH: path.join(dir, 'none.json') })).toThrow(
      /cannot be read \(ENOENT\)/,
    );
    expect(() => envFor('push', '{not json')).toThrow(/is not JSON/);
    expect(() => envFor('push', '[1]')).toThrow(/not a JSON object/);
  });
});

describe('event fields', () => {
  it('pull_request and pull_request_target: the PR number and the action', () => {
    for (const name of ['pull_request', 'pull_request_target']) {
      const env = envFor(name, { action: 'synchronize', number: 7, pull_request: { number: 7, title: 'x' } });
      expect(eventPullNumber(env)).toBe(7);
      expect(eventAction(env)).toBe('synchronize');
      expect(eventComment(env)).toBeNull();
      expect(eventWorkflowRun(env)).toBeNull();
    }
  });

  it('issue_comment: the comment, and the PR only when the issue is one', () => {
    const payload = {
      action: 'created',
      issue: { number: 9, pull_request: { url: 'u' } },
      comment: { id: 11, body: '/orchestrate add docs', user: { login: 'octocat' }, author_association: 'MEMBER' },
    };
    const env = envFor('issue_comment', payload);
    expect(eventComment(env)).toEqual({
      action: 'created',
      id: 11,
      body: '/orchestrate add docs',
      author: 'octocat',
      association: 'MEMBER',
      pullNumber: 9,
    });
    expect(eventPullNumber(env)).toBe(9);
    const onIssue = envFor('issue_comment', { ...payload, issue: { number: 9 } });
    expect(eventComment(onIssue)?.pullNumber).toBeNull();
    expect(eventPullNumber(onIssue)).toBeNull();
  });

  it('workflow_run: head SHA, branch and repository; a fork run has no linked PRs', () => {
    const run = {
      id: 5,
      event: 'pull_request',
      conclusion: 'success',
      head_sha: HEAD,
      head_branch: 'feature',
      head_repository: { full_name: 'fork/widgets', owner: { login: 'fork' } },
      pull_requests: [],
    };
    const env = envFor('workflow_run', { action: 'completed', workflow_run: run });
    expect(eventWorkflowRun(env)).toEqual({
      id: 5,
      event: 'pull_request',
      conclusion: 'success',
      headSha: HEAD,
      headBranch: 'feature',
      headRepo: 'fork/widgets',
      headOwner: 'fork',
      pullNumbers: [],
    });
    const same = envFor('workflow_run', { workflow_run: { ...run, pull_requests: [{ number: 4 }] } });
    expect(eventWorkflowRun(same)?.pullNumbers).toEqual([4]);
    expect(eventPullNumber(same)).toBeNull();
  });

  it('missing or mistyped fields give null, never a throw', () => {
    expect(eventPullNumber(envFor('pull_request', {}))).toBeNull();
    expect(eventPullNumber(envFor('pull_request', { pull_request: { number: '3' } }))).toBeNull();
    expect(eventComment(envFor('issue_comment', { action: 'created', issue: { number: 1 } }))).toBeNull();
    expect(eventWorkflowRun(envFor('workflow_run', { workflow_run: { id: 1, head_sha: 'nope' } }))).toBeNull();
    expect(eventAction(envFor('push', { action: 3 }))).toBe('');
    expect(eventPullNumber(envFor('push', { pull_request: { number: 3 } }))).toBeNull();
  });
});
