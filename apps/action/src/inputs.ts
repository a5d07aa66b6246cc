// The action's inputs and outputs, declared once: action.yml is generated from these tables (scripts/build.mjs calls
// actionYml()), and readInputs() applies the same defaults, since `getInput` applies none (the runner does, from
// action.yml; a bundle run by hand or by a test gets only what it is given).
import { DEFAULTS, safeText, UsageError } from '@orchestrate/core';
import { OPTION_PARSERS, type Severity } from '@orchestrate/engine';
import type { ActionInputs, Mode, OutputName, Toolkit } from './types.js';

/** One input of action.yml: what the README and the Actions UI say of it, and its default (always a string). */
export interface InputSpec {
  description: string;
  default: string;
}

/** The action's inputs, in action.yml order. */
export const INPUTS = {
  mode: {
    description:
      'review | task | collect | post, or auto: review on pull_request and pull_request_target, task on an ' +
      '`/orchestrate <task>` issue_comment, post on workflow_run',
    default: 'auto',
  },
  task: {
    description: 'The task of mode task (default: the text after `/orchestrate` in the comment that triggered the run)',
    default: '',
  },
  engine: {
    description: 'auto = openai when openai-api-key is set, else offline (rules only, no model call)',
    default: 'auto',
  },
  'openai-api-key': {
    description: 'The OpenAI API key, from a secret (e.g. secrets.OPENAI_API_KEY); never posted, masked in the log',
    default: '',
  },
  'base-url': { description: 'An OpenAI-compatible server to call instead of api.openai.com', default: '' },
  'api-keys': {
    description:
      "Keys of the config's other providers, one `NAME=value` per line from secrets (e.g. " +
      '`AZURE_OPENAI_API_KEY=${{ secrets.AZURE_OPENAI_API_KEY }}`); only these reach the run, never the step env; masked',
    default: '',
  },
  'planner-model': {
    description: `The planner model (default: the config's, else ${DEFAULTS.models.planner})`,
    default: '',
  },
  'worker-model': {
    description: `The worker model (default: the config's, else ${DEFAULTS.models.worker})`,
    default: '',
  },
  'verifier-model': {
    description: `The verifier model (default: the config's, else ${DEFAULTS.models.verifier})`,
    default: '',
  },
  'budget-usd': {
    description: 'Hard cap on model spend per run, in USD (over the config file): no call starts once it is reached',
    default: '0.50',
  },
  concurrency: {
    description:
      "Model calls in flight at once, 1 to 256 (default: the config's, else the worker provider's: OpenAI 64)",
    default: '',
  },
  'fail-on': {
    description: 'error | warning | note | never: the step fails when a finding has this severity or worse',
    default: 'error',
  },
  'max-comments': {
    description: 'At most this many new inline comments per run (errors first); the rest are listed in the summary',
    default: '25',
  },
  'github-token': {
    description: 'The token the action calls the GitHub API and pushes with (see the README for its permissions)',
    default: '${{ github.token }}',
  },
  'artifact-path': {
    description: 'Mode post: the folder actions/download-artifact wrote the results of mode collect to',
    default: '',
  },
} as const satisfies Record<string, InputSpec>;

/** The name of an input. */
export type InputName = keyof typeof INPUTS;

/** The action's outputs (each one line), in action.yml order. */
export const OUTPUTS: Record<OutputName, { description: string }> = {
  'run-id': { description: "The orchestrate run's id (empty when no run was made)" },
  report: { description: "The path of the run's report.json (empty when no run was made)" },
  sarif: { description: 'The path of a SARIF 2.1.0 file of the findings, for github/codeql-action/upload-sarif' },
  'cost-usd': { description: 'What the run spent on models, in USD (4 decimals)' },
  'comments-posted': { description: 'How many inline comments this run posted' },
  conclusion: { description: 'success | failure | skipped' },
};

const MODES: readonly (Mode | 'auto')[] = ['auto', 'review', 'task', 'collect', 'post'];
const ENGINES: readonly ActionInputs['engine'][] = ['auto', 'openai', 'offline'];
const FAIL_ON: readonly (Severity | 'never')[] = ['error', 'warning', 'note', 'never'];

/** The refusal of an input's value: names the input, says what it takes and quotes the value (escaped, cut). */
function refuse(name: InputName, raw: string, wants: string): UsageError {
  return new UsageError(`input ${name} needs ${wants}${got(raw)}`);
}

function got(raw: string): string {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return ` (got ${JSON.stringify(safeText(shown))})`;
}

/** A value read by the engine's parser of that option (the CLI's flags use the same), its refusal quoting the value. */
function parsed<T>(name: InputName, raw: string, parser: (shown: string) => (raw: string) => T): T {
  try {
    return parser(`input ${name}`)(raw);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message}${got(raw)}`);
    throw err;
  }
}

function choice<T extends string>(name: InputName, raw: string, choices: readonly T[]): T {
  const value = raw.toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw refuse(name, raw, `one of ${choices.join(', ')}`);
}

function integer(name: InputName, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw refuse(name, raw, `a whole number from ${min} to ${max}`);
  return n;
}

function url(name: InputName, raw: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw);
  } catch {
    // refused below
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw refuse(name, raw, 'an http(s) URL, e.g. https://api.openai.com/v1');
  }
  return raw;
}

/**
 * Reads and checks every input, with action.yml's defaults for the empty ones; a value it refuses is E_USAGE naming the
 * input. An unevaluated `${{ … }}` (a default applied by a runner that does not evaluate it) counts as empty.
 */
export function readInputs(kit: Pick<Toolkit, 'input'>): ActionInputs {
  const given = (name: InputName): string => {
    const raw = kit.input(name).trim();
    return /^\$\{\{.*\}\}$/s.test(raw) ? '' : raw;
  };
  const value = (name: InputName): string => given(name) || INPUTS[name].default;
  const optional = (name: InputName): string | undefined => given(name) || undefined;
  const concurrency = optional('concurrency');
  const models = {
    planner: optional('planner-model'),
    worker: optional('worker-model'),
    verifier: optional('verifier-model'),
  };
  const githubToken = given('github-token');
  if (!githubToken) {
    throw new UsageError(
      'input github-token is empty: leave it out (the default is `${{ github.token }}`) or pass a token, e.g. ' +
        '`github-token: ${{ secrets.GITHUB_TOKEN }}`',
    );
  }
  const baseUrl = optional('base-url');
  const apiKeys = keyLines(kit.input('api-keys'));
  return {
    mode: choice('mode', value('mode'), MODES),
    task: given('task'),
    engine: choice('engine', value('engine'), ENGINES),
    openaiApiKey: given('openai-api-key'),
    apiKeys,
    baseUrl: baseUrl ? url('base-url', baseUrl) : null,
    models: Object.fromEntries(Object.entries(models).filter(([, m]) => m !== undefined)),
    budgetUsd: parsed('budget-usd', value('budget-usd'), OPTION_PARSERS.budgetUsd),
    ...(concurrency ? { concurrency: parsed('concurrency', concurrency, OPTION_PARSERS.concurrency) } : {}),
    failOn: choice('fail-on', value('fail-on'), FAIL_ON),
    maxComments: integer('max-comments', value('max-comments'), 0, 1000),
    githubToken,
    artifactPath: optional('artifact-path') ?? null,
  };
}

/** Variables a provider's key may not be passed as: the runner's own, and the ones the action sets itself. */
const RESERVED_KEY_NAMES = /^(?:GITHUB_|ACTIONS_|RUNNER_|INPUT_|OPENAI_API_KEY$|OPENAI_BASE_URL$|NODE_|PATH$|HOME$)/;

/** The `api-keys` input: `NAME=value` lines (blank lines skipped); a malformed or reserved name is a usage error. */
export function keyLines(raw: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    const text = line.trim();
    if (!text || /^\$\{\{.*\}\}$/.test(text)) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(text);
    // The line is never echoed: it holds a secret.
    if (!m)
      throw new UsageError(
        `input api-keys, line ${i + 1}: write \`NAME=value\` (e.g. AZURE_OPENAI_API_KEY=\${{ secrets.AZURE_OPENAI_API_KEY }})`,
      );
    const name = m[1]!;
    if (RESERVED_KEY_NAMES.test(name))
      throw new UsageError(
        `input api-keys, line ${i + 1}: \`${name}\` cannot be set here (the OpenAI key goes in openai-api-key; runner variables are not keys)`,
      );
    if (m[2]) keys[name] = m[2];
  }
  return keys;
}

/**
 * A YAML scalar as Prettier writes it (single quotes unless the text holds more of them than double quotes), so the
 * generated action.yml passes `prettier --check`.
 */
function scalar(text: string): string {
  const singles = text.split("'").length - 1;
  const doubles = text.split('"').length - 1;
  if (singles > doubles) return JSON.stringify(text);
  return `'${text.replaceAll("'", "''")}'`;
}

/** action.yml: the name, the inputs and outputs of the tables above, and the bundle it runs (Node 24). */
export function actionYml(): string {
  const lines = [
    '# GENERATED from src/inputs.ts by scripts/build.mjs: edit that file, then run',
    '# `pnpm --filter @orchestrate/action build` and commit action.yml and dist/.',
    "name: 'orchestrate'",
    `description: ${scalar('Reviews and tasks on pull requests: one batched review, a sticky summary, SARIF, fork-safe')}`,
    "author: 'orchestrate'",
    'branding:',
    "  icon: 'check-circle'",
    "  color: 'blue'",
    'inputs:',
  ];
  for (const [name, spec] of Object.entries(INPUTS) as [string, InputSpec][]) {
    lines.push(`  ${name}:`, `    description: ${scalar(spec.description)}`, '    required: false');
    lines.push(`    default: ${scalar(spec.default)}`);
  }
  lines.push('outputs:');
  for (const [name, spec] of Object.entries(OUTPUTS))
    lines.push(`  ${name}:`, `    description: ${scalar(spec.description)}`);
  lines.push('runs:', "  using: 'node24'", "  main: 'dist/index.cjs'", '');
  return lines.join('\n');
}
