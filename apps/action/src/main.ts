// The action's one code path: the bundle's entry, @github/local-action and the in-process tests all call run(). It
// reads the environment and the inputs, builds the context every mode takes, runs the chosen mode and turns its result
// into the outputs and the step's conclusion. Whatever fails ends in one `::error::` line that says what to do.
import { z } from 'zod';
import { isOrchestrateError, safeText } from '@orchestrate/core';
import type { RunTaskOptions } from '@orchestrate/engine';
import {
  chooseMode,
  conclusionOf,
  failureMessage,
  failureReasons,
  MODES,
  redactKnown,
  runMode,
  type ModeTable,
} from './dispatch.js';
import { readActionEnv } from './env.js';
import { readInputs } from './inputs.js';
import { createActionLog } from './log.js';
import { coreToolkit } from './toolkit.js';
import type { GitHubApi } from './github/api.js';
import type { ActionContext, ActionEnv, ActionInputs, Conclusion, ModeResult, OutputName, Toolkit } from './types.js';
import { VERSION } from './version.js';

// Each job's output schema is new and parsed once: zod's JIT would compile code for every one and never reuse it.
z.config({ jitless: true });

/** How the action reaches GitHub: `readOnly` for mode collect, whose every write must throw before any request. */
export type ApiFactory = (
  o: { token: string; apiUrl: string; owner: string; repo: string },
  access: { readOnly: boolean },
) => Promise<GitHubApi>;

/** Part B's Octokit client, loaded when a mode runs (a skipped or refused run loads none). */
const octokit: ApiFactory = async (o, access) => {
  const api = (await import('./github/client.js')).octokitApi(o);
  return access.readOnly ? (await import('./github/read-only.js')).readOnly(api) : api;
};

/** What run() is made of; tests replace any of it (a memory toolkit, a fake API, their own modes). */
export interface RunDeps {
  kit: Toolkit;
  /** The environment `GITHUB_*` and `RUNNER_TEMP` are read from. @default process.env */
  vars: Record<string, string | undefined>;
  modes: ModeTable;
  api: ApiFactory;
  version: string;
}

/** What run() did, for tests (a workflow reads the outputs). */
export interface RunOutcome {
  conclusion: Conclusion;
  result: ModeResult | null;
  /** The message of setFailed, or null. */
  failed: string | null;
}

/** The action: environment and inputs → context → the chosen mode → outputs and conclusion. Never throws. */
export async function run(deps: Partial<RunDeps> = {}): Promise<RunOutcome> {
  const kit = deps.kit ?? coreToolkit();
  const version = deps.version ?? VERSION;
  const known: string[] = [];
  let result: ModeResult | null = null;
  try {
    // Masked before anything is read or logged: a refused input's message must not be what reveals a secret.
    for (const name of ['github-token', 'openai-api-key']) {
      const secret = kit.input(name);
      if (secret && !/^\$\{\{.*\}\}$/s.test(secret)) {
        kit.setSecret(secret);
        known.push(secret);
      }
    }
    // Each value of `api-keys`, and each whole line (a malformed one is never echoed, but mask it anyway).
    for (const line of kit.input('api-keys').split(/\r?\n/)) {
      const value = line.includes('=') ? line.slice(line.indexOf('=') + 1).trim() : line.trim();
      for (const secret of [value, line.trim()])
        if (secret.length >= 4 && !/^\$\{\{.*\}\}$/s.test(secret)) {
          kit.setSecret(secret);
          known.push(secret);
        }
    }
    const env = readActionEnv(deps.vars ?? process.env);
    const inputs = readInputs(kit);
    const log = createActionLog(kit);
    const choice = chooseMode(inputs, env);
    if ('skip' in choice) {
      log.line(`nothing to do: ${choice.skip}`);
      return finish(kit, null, 'skipped', null);
    }
    log.line(`action ${version}, mode ${choice.mode}, on ${env.eventName || 'no event'} in ${env.owner}/${env.repo}`);
    const api = await (deps.api ?? octokit)(
      { token: inputs.githubToken, apiUrl: env.apiUrl, owner: env.owner, repo: env.repo },
      { readOnly: choice.mode === 'collect' },
    );
    const ctx: ActionContext = {
      inputs,
      env,
      kit,
      log,
      api,
      engineOptions: () => engineOptions(inputs, env, log.onEvent),
      known,
      version,
    };
    result = await runMode(ctx, choice.mode, deps.modes ?? MODES);
    const problems = result.problems.map((p) => redactKnown(p, known));
    for (const problem of problems) log.line(`problem: ${problem}`);
    if (problems.length > 0) kit.annotate('warning', problemsAnnotation(problems));
    if (result.skipped !== undefined) log.line(`nothing to do: ${result.skipped}`);
    const conclusion = conclusionOf(result, inputs.failOn);
    const reasons = failureReasons(result, inputs.failOn);
    const failed = conclusion === 'failure' ? safeText(redactKnown(`${capitalize(reasons.join('; '))}.`, known)) : null;
    return finish(kit, result, conclusion, failed);
  } catch (err) {
    return fail(kit, result, err, { version, known });
  }
}

/** The end of a run that threw: the stack to debug (a bug's only), the outputs, one message. */
function fail(
  kit: Toolkit,
  result: ModeResult | null,
  err: unknown,
  o: { version: string; known: readonly string[] },
): RunOutcome {
  // A bug's stack helps whoever reports it, shown only with step debug logging; a user's error needs none.
  const userFacing = isOrchestrateError(err) && err.userFacing;
  if (!userFacing && err instanceof Error && err.stack) kit.debug?.(redactKnown(err.stack, o.known));
  try {
    return finish(kit, result, 'failure', failureMessage(err, o));
  } catch {
    // The toolkit itself failed (an output file that cannot be written): the exit code still says it failed.
    process.exitCode = 1;
    return { conclusion: 'failure', result, failed: failureMessage(err, o) };
  }
}

/**
 * The runTask() options every mode starts from: the workspace, the engine, models, budget and concurrency of the
 * inputs, the key and server only from the inputs (never from the step's environment), the log, and none of the
 * repository's own tools (a PR's code is not run).
 */
export function engineOptions(
  inputs: ActionInputs,
  env: Pick<ActionEnv, 'workspace'>,
  onEvent: NonNullable<RunTaskOptions['onEvent']>,
): Partial<RunTaskOptions> {
  // `runRepositoryCode` is part E's run option; spread, so this compiles before and after it lands.
  const trust = { runRepositoryCode: false };
  return {
    cwd: env.workspace,
    // auto leaves the engine to the config (whose own default is auto); openai or offline decide.
    ...(inputs.engine !== 'auto' ? { engine: inputs.engine } : {}),
    ...(Object.keys(inputs.models).length > 0 ? { models: { ...inputs.models } } : {}),
    budgetUsd: inputs.budgetUsd,
    ...(inputs.concurrency !== undefined ? { concurrency: inputs.concurrency } : {}),
    env: {
      ...inputs.apiKeys,
      OPENAI_API_KEY: inputs.openaiApiKey || undefined,
      OPENAI_BASE_URL: inputs.baseUrl ?? undefined,
    },
    onEvent,
    ...trust,
  };
}

/** Sets every output (all of them, always: a later step may read any), then fails the step when `failed` is set. */
function finish(kit: Toolkit, result: ModeResult | null, conclusion: Conclusion, failed: string | null): RunOutcome {
  const outputs: Record<OutputName, string> = {
    'run-id': result?.runId ?? '',
    report: result?.reportPath ?? '',
    sarif: result?.sarifPath ?? '',
    'cost-usd': (result?.costUsd ?? 0).toFixed(4),
    'comments-posted': String(result?.commentsPosted ?? 0),
    conclusion,
  };
  for (const [name, value] of Object.entries(outputs) as [OutputName, string][]) {
    // Outputs are one line each (the runner's file format is line based; a path could hold anything).
    kit.setOutput(name, value.replace(/[\r\n]+/g, ' '));
  }
  if (failed !== null) kit.setFailed(failed);
  return { conclusion, result, failed };
}

/** Up to 10 problems in one warning annotation: the step's page shows them, the log has them all. */
function problemsAnnotation(problems: readonly string[]): string {
  const shown = problems.slice(0, 10).map((p) => `- ${p}`);
  if (problems.length > 10) shown.push(`- … and ${problems.length - 10} more (see the log)`);
  return `orchestrate met ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${shown.join('\n')}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
