// The types the action's parts share: its inputs and environment, the toolkit it writes through, the context every
// mode gets, and what a mode returns. No code: each part builds against these.
import type { ReviewFinding, RunEvent, RunReport } from '@orchestrate/core';
import type { RunTaskOptions, Severity, SummaryReport } from '@orchestrate/engine';
import type { GitHubApi } from './github/api.js';

/** What the action does on this run (input `mode`; `auto` picks one from the event). */
export type Mode = 'review' | 'task' | 'collect' | 'post';

/** The step's result: failure when `fail-on` matched, the run failed, or publishing failed. */
export type Conclusion = 'success' | 'failure' | 'skipped';

/** The outputs the action sets (all one line). */
export type OutputName = 'run-id' | 'report' | 'sarif' | 'cost-usd' | 'comments-posted' | 'conclusion';

/** The action's inputs, read and checked (defaults applied: the runner applies action.yml's, getInput does not). */
export interface ActionInputs {
  mode: Mode | 'auto';
  task: string;
  engine: 'auto' | 'openai' | 'offline';
  openaiApiKey: string;
  /** Keys of the config's other providers by variable name (`api-keys`): the run's environment holds only these. */
  apiKeys: Record<string, string>;
  baseUrl: string | null;
  models: { planner?: string; worker?: string; verifier?: string };
  /** @default 0.5 */
  budgetUsd: number;
  concurrency?: number;
  /** @default 'error' */
  failOn: Severity | 'never';
  /** @default 25 */
  maxComments: number;
  githubToken: string;
  /** Where `post` reads the collected results (a downloaded artifact's folder). */
  artifactPath: string | null;
}

/** What the runner tells the action through its environment and the event payload. */
export interface ActionEnv {
  eventName: string;
  event: Record<string, unknown>;
  owner: string;
  repo: string;
  apiUrl: string;
  graphqlUrl: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  /** The checkout (`GITHUB_WORKSPACE`): runTask's cwd. */
  workspace: string;
  /** `RUNNER_TEMP`, else the system's temporary folder. */
  temp: string;
  actor: string;
  /** The link to this workflow run (its job summary). */
  runUrl: string;
}

/** The one way the action writes to the runner: over @actions/core in a workflow, in memory in tests. */
export interface Toolkit {
  input(name: string): string;
  setOutput(name: OutputName, value: string): void;
  setSecret(value: string): void;
  info(line: string): void;
  /** A line shown only when step debug logging is on (a bug's stack, never a user's error). */
  debug?(line: string): void;
  annotate(
    level: 'error' | 'warning' | 'notice',
    message: string,
    at?: { file: string; startLine: number; endLine?: number },
  ): void;
  /** Writes the job summary, replacing what this step wrote before; best effort (a failure is a log line). */
  writeStepSummary(markdown: string): Promise<void>;
  setFailed(message: string): void;
}

/** The run's log: engine events and the action's own lines, escaped, one per line. */
export interface ActionLog {
  onEvent(event: RunEvent): void;
  line(text: string): void;
}

/** Everything a mode needs, injected (tests pass memory toolkits and fake APIs). */
export interface ActionContext {
  inputs: ActionInputs;
  env: ActionEnv;
  kit: Toolkit;
  log: ActionLog;
  /** The GitHub API (read-only in `collect`). */
  api: GitHubApi;
  /** The runTask options every mode starts from: engine, models, budget, concurrency, key, repository code off. */
  engineOptions(): Partial<RunTaskOptions>;
  /** Values never to be posted (the API key, the token): redacted from every body. */
  known: readonly string[];
  version: string;
}

/** The part of a run report a summary shows (the engine's: its Markdown summary renders it). */
export type { SummaryReport } from '@orchestrate/engine';

/** What a mode did: the outputs, the findings and the problems (each says what to do). */
export interface ModeResult {
  runId: string | null;
  reportPath: string | null;
  sarifPath: string | null;
  costUsd: number;
  commentsPosted: number;
  findings: readonly ReviewFinding[];
  report: SummaryReport | null;
  problems: string[];
  /**
   * Findings earlier runs posted that are still open on the pull request and that this run did not look at again (an
   * incremental review reviews only the new commits): `fail-on` counts them beside `findings`.
   */
  carried?: readonly { severity: Severity }[];
  /** Set when the mode decided not to run (a closed PR, an event it does not serve), with why. */
  skipped?: string;
  publishFailed?: boolean;
}

/** One mode of the action. */
export type ModeRunner = (ctx: ActionContext) => Promise<ModeResult>;
