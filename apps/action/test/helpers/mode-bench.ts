// The modes' in-process test bench beside the memory API: a memory toolkit, an ActionContext over both, pull-request
// repositories (a bare "origin", a developer clone that pushes, workspace clones the action runs in), event payloads
// and a sample finding and run.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReviewFinding, RunEvent } from '@orchestrate/core';
import type { GitHubApi, PullInfo } from '../../src/github/api.js';
import type { ActionContext, ActionInputs, OutputName, SummaryReport, Toolkit } from '../../src/types.js';
import { IDENTITY, makeRepo, type TempRepo } from '../../../../test/helpers/repo.js';

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

/** What the memory toolkit saw. */
export interface MemoryKit extends Toolkit {
  outputs: Partial<Record<OutputName, string>>;
  lines: string[];
  annotations: { level: string; message: string; at?: { file: string; startLine: number; endLine?: number } }[];
  stepSummary: string;
  secrets: string[];
  failed: string | null;
}

/** A toolkit that keeps everything in memory. */
export function memoryKit(inputs: Record<string, string> = {}): MemoryKit {
  const kit: MemoryKit = {
    outputs: {},
    lines: [],
    annotations: [],
    stepSummary: '',
    secrets: [],
    failed: null,
    input: (name) => inputs[name] ?? '',
    setOutput: (name, value) => void (kit.outputs[name] = value),
    setSecret: (value) => void kit.secrets.push(value),
    info: (line) => void kit.lines.push(line),
    annotate: (level, message, at) => void kit.annotations.push({ level, message, ...(at ? { at } : {}) }),
    writeStepSummary: async (markdown) => void (kit.stepSummary += markdown),
    setFailed: (message) => void (kit.failed = message),
  };
  return kit;
}

/** The inputs as readInputs gives them with action.yml's defaults. */
export function defaultInputs(over: Partial<ActionInputs> = {}): ActionInputs {
  return {
    mode: 'auto',
    task: '',
    engine: 'offline',
    openaiApiKey: '',
    apiKeys: {},
    baseUrl: null,
    models: {},
    budgetUsd: 0.5,
    failOn: 'error',
    maxComments: 25,
    githubToken: 'ghs_testtoken0000000000000000000000000000',
    artifactPath: null,
    ...over,
  };
}

/** An ActionContext over a memory API and toolkit, for a workspace and an event. */
export function testContext(o: {
  api: GitHubApi;
  workspace: string;
  temp: string;
  event: { name: string; payload: Record<string, unknown> };
  inputs?: Partial<ActionInputs>;
}): { ctx: ActionContext; kit: MemoryKit; events: RunEvent[] } {
  const kit = memoryKit();
  const events: RunEvent[] = [];
  const inputs = defaultInputs(o.inputs);
  const log = {
    onEvent: (e: RunEvent) => void events.push(e),
    line: (text: string) => kit.info(`orchestrate: ${text}`),
  };
  const ctx: ActionContext = {
    inputs,
    env: {
      eventName: o.event.name,
      event: o.event.payload,
      owner: 'acme',
      repo: 'widgets',
      apiUrl: 'http://127.0.0.1:9/api',
      graphqlUrl: 'http://127.0.0.1:9/api/graphql',
      serverUrl: 'http://127.0.0.1:9',
      runId: '4242',
      runAttempt: '1',
      workspace: o.workspace,
      temp: o.temp,
      actor: 'octocat',
      runUrl: 'https://github.test/acme/widgets/actions/runs/4242',
    },
    kit,
    log,
    api: o.api,
    engineOptions: () => ({
      engine: inputs.engine,
      budgetUsd: inputs.budgetUsd,
      models: inputs.models,
      env: { OPENAI_API_KEY: inputs.openaiApiKey || undefined, OPENAI_BASE_URL: inputs.baseUrl ?? undefined },
      runRepositoryCode: false,
      onEvent: log.onEvent,
    }),
    known: [inputs.githubToken, inputs.openaiApiKey].filter(Boolean),
    version: '0.1.0-test',
  };
  return { ctx, kit, events };
}

/** A pull request's repositories: the bare origin, a developer clone that pushes, the action's workspace. */
export interface PrRepos {
  origin: string;
  dev: TempRepo;
  /** Clones origin and checks out `sha` detached (as actions/checkout does); a new clone each call. */
  workspace(sha: string): string;
  /** A temp folder (RUNNER_TEMP). */
  temp: string;
  /** The PullInfo of PR #1 from `feature` into `main`, at the current tips. */
  pull(o?: { fork?: boolean }): PullInfo;
  sha(ref: string): string;
  cleanup(): void;
}

/** Makes `main` with `files` and a `feature` branch with `changes` committed and pushed to origin. */
export function prRepos(files: Record<string, string>, changes: Record<string, string>): PrRepos {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'orch-action-')));
  const dev = makeRepo(files);
  const origin = path.join(root, 'origin.git');
  execFileSync('git', ['clone', '--quiet', '--bare', dev.dir, origin]);
  dev.git('remote', 'add', 'origin', origin);
  dev.git('checkout', '--quiet', '-b', 'feature');
  for (const [f, c] of Object.entries(changes)) dev.write(f, c);
  dev.commit('feature work');
  dev.git('push', '--quiet', 'origin', 'feature');
  const temp = path.join(root, 'runner-temp');
  let clones = 0;
  return {
    origin,
    dev,
    temp,
    workspace: (sha) => {
      const dir = path.join(root, `workspace-${++clones}`);
      execFileSync('git', ['clone', '--quiet', origin, dir]);
      git(dir, ...IDENTITY, 'checkout', '--quiet', '--detach', sha);
      return dir;
    },
    sha: (ref) => git(origin, 'rev-parse', ref).trim(),
    pull(o = {}) {
      const headRepo = o.fork ? 'fork/widgets' : 'acme/widgets';
      return {
        number: 1,
        state: 'open',
        draft: false,
        headSha: this.sha('feature'),
        headRef: 'feature',
        headRepo,
        baseSha: this.sha('main'),
        baseRef: 'main',
        baseRepo: 'acme/widgets',
        htmlUrl: 'https://github.test/acme/widgets/pull/1',
      };
    },
    cleanup: () => {
      dev.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Makes origin refuse pushes to `branch` (a pre-receive hook), as a protected branch does. */
export function protectBranch(origin: string, branch: string): void {
  const hook = path.join(origin, 'hooks', 'pre-receive');
  const script = `#!/bin/sh\nwhile read old new ref; do\n  [ "$ref" = "refs/heads/${branch}" ] && { echo "protected branch" >&2; exit 1; }\ndone\nexit 0\n`;
  writeFileSync(hook, script);
  chmodSync(hook, 0o755);
}

/** A pull_request event payload. */
export function pullEvent(action: string, pull: PullInfo): { name: string; payload: Record<string, unknown> } {
  return {
    name: 'pull_request',
    payload: {
      action,
      number: pull.number,
      pull_request: {
        number: pull.number,
        head: { sha: pull.headSha, ref: pull.headRef },
        base: { sha: pull.baseSha },
      },
    },
  };
}

/** A finding as reviewFindings gives one (a console.log on line 2 of src/a.ts). */
export function finding(over: Partial<ReviewFinding> = {}): ReviewFinding {
  return {
    file: 'src/a.ts',
    line: 2,
    endLine: 2,
    severity: 'warning',
    ruleId: 'no-console-log',
    message: 'A console.log call left in the code.',
    source: 'rule',
    fingerprint: '0123456789abcdef0123456789abcdef',
    code: ['  console.log(x);'],
    ...over,
  };
}

/** A finished offline review run's summary. */
export const RUN: SummaryReport = {
  id: '20260101-120000-abcd',
  engine: 'offline',
  status: 'completed',
  jobs: { total: 1, succeeded: 1, failed: 0, skipped: 0 },
  usage: {},
  costUsd: 0,
  budgetUsd: 0.5,
  durationMs: 1200,
  warnings: [],
  commits: [],
  reviewed: { base: 'b'.repeat(40), head: 'c'.repeat(40), workingTree: false, files: 1, label: 'bbbbbbb..ccccccc' },
  baseCommit: 'c'.repeat(40),
  branch: null,
};
