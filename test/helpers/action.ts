// The action run as a workflow would run it, two ways: the committed bundle (`node apps/action/dist/index.cjs`, inputs
// as INPUT_* variables, outputs from the GITHUB_OUTPUT file), and the TypeScript entry under @github/local-action 7
// (through its own tsx, never its bin: that would `pnpm dlx`/`npm exec` tsx from the network). Both get GITHUB_* for a
// loopback fake GitHub, a temporary RUNNER_TEMP and HOME, and nothing of this machine's GitHub, runner or model setup.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeGitHub } from '../fake/github-server.js';

import { tempDir } from './action-events.js';

export { events, checkoutPull, tempDir } from './action-events.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The action's folder (its action.yml, package.json and src/). */
export const ACTION_DIR = path.join(ROOT, 'apps', 'action');
/** The committed bundle a workflow runs. */
export const DIST_ENTRY = path.join(ACTION_DIR, 'dist', 'index.cjs');
/** The TypeScript entry @github/local-action imports (it calls the exported `run()`). */
export const SRC_ENTRY = 'src/main.ts';

/** Whether a runner can run the real action yet (the bundle is built; action.yml and the entry exist). */
export const runnable = {
  dist: existsSync(DIST_ENTRY),
  local: existsSync(path.join(ACTION_DIR, 'action.yml')) && existsSync(path.join(ACTION_DIR, SRC_ENTRY)),
};

/** One run of the action. */
export interface ActionRunOptions {
  /** GITHUB_WORKSPACE (the checkout; an empty folder for `post`). */
  workspace: string;
  event: { name: string; payload: object };
  /** By input name (`openai-api-key`, `budget-usd`, …). */
  inputs: Record<string, string>;
  github: FakeGitHub;
  /** The fake OpenAI server: its URL becomes the `base-url` input unless the inputs set one (never a key). */
  openai?: { url: string };
  /** More environment, over the runner's (e.g. GITHUB_SHA). */
  env?: Record<string, string>;
  /** RUNNER_TEMP, to share between runs (collect writes the artifact there). @default a new temporary folder */
  runnerTemp?: string;
  /** Another action than apps/action (the runners' own tests): its folder, and its entry relative to it. */
  action?: { dir: string; entry: string };
}

/** What a run did. */
export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** What the action wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The `setFailed` message (`::error::` without properties), or null. */
  failed: string | null;
  /** The RUNNER_TEMP of the run. */
  runnerTemp: string;
}

/** The repository's GitHub variables this machine may have, and what could reach a real service. */
const SCRUB = /^(GITHUB_|INPUT_|RUNNER_|ACTIONS_|OPENAI_|STATE_)|^(HTTPS?_PROXY|ALL_PROXY|NO_PROXY|CI)$/i;

function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) out[k] = v;
  return out;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The environment GitHub's runner gives a step for this event, and the files it reads back. */
function runnerEnv(o: ActionRunOptions): {
  env: Record<string, string>;
  files: { output: string; summary: string };
  temp: string;
  dir: string;
} {
  const dir = tempDir('orch-action-run-');
  const temp = o.runnerTemp ?? path.join(dir, 'runner-temp');
  const home = path.join(dir, 'home');
  for (const d of [temp, home, path.join(dir, 'cache')]) mkdirSync(d, { recursive: true });
  const file = (name: string, text = '') => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const g = o.github;
  const payload = o.event.payload as Record<string, any>;
  const pr = payload.pull_request as Record<string, any> | undefined;
  const isPr = pr !== undefined && o.event.name.startsWith('pull_request');
  const main = git(g.bareRepo, 'rev-parse', 'refs/heads/main');
  const env: Record<string, string> = {
    ...baseEnv(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.event.name,
    GITHUB_EVENT_PATH: file('event.json', JSON.stringify(o.event.payload)),
    GITHUB_REPOSITORY: `${g.owner}/${g.repo}`,
    GITHUB_REPOSITORY_OWNER: g.owner,
    GITHUB_API_URL: g.url,
    GITHUB_GRAPHQL_URL: g.graphqlUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'orchestrate',
    GITHUB_JOB: 'orchestrate',
    GITHUB_ACTION: 'orchestrate',
    GITHUB_ACTOR: String(payload.sender?.login ?? 'contributor'),
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_REF: isPr ? `refs/pull/${pr.number}/merge` : 'refs/heads/main',
    GITHUB_SHA: isPr ? String(pr.merge_commit_sha ?? pr.head.sha) : main,
    ...(isPr ? { GITHUB_HEAD_REF: String(pr.head.ref), GITHUB_BASE_REF: String(pr.base.ref) } : {}),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    HOME: home,
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    NO_PROXY: '127.0.0.1,localhost',
    NO_COLOR: '1',
    OPENAI_AGENTS_DISABLE_TRACING: '1',
    ...o.env,
  };
  return { env, files: { output: env.GITHUB_OUTPUT!, summary: env.GITHUB_STEP_SUMMARY! }, temp, dir };
}

/** The inputs with the fake model server's URL as `base-url` (unless set). */
function inputsOf(o: ActionRunOptions): Record<string, string> {
  return o.openai && o.inputs['base-url'] === undefined ? { ...o.inputs, 'base-url': o.openai.url } : o.inputs;
}

/** The variable a runner sets for an input: `INPUT_` + the name uppercased, spaces as `_`, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The outputs in a GITHUB_OUTPUT file (`name<<delimiter` heredocs, or `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${heredoc[2]} for ${heredoc[1]}`);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/** The `::set-output name=…::value` lines local-action's core stub prints. */
export function parseSetOutput(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)) out[m[1]!] = m[2]!;
  return out;
}

/** Undoes @actions/core's escaping of a command's message. */
export function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The last `setFailed` message (`::error::` with no properties; annotations have `file=`, `title=`…), or null. */
export function failureOf(stdout: string): string | null {
  const all = [...stdout.matchAll(/^::error::(.*)$/gm)];
  return all.length ? unescapeCommand(all[all.length - 1]![1]!) : null;
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

/** The bundle under plain node, as the runner's `node24` does. */
async function runDist(o: ActionRunOptions): Promise<ActionRun> {
  const { env, files, temp } = runnerEnv(o);
  for (const [name, value] of Object.entries(inputsOf(o))) env[inputVariable(name)] = value;
  const entry = o.action ? path.join(o.action.dir, o.action.entry) : DIST_ENTRY;
  const r = await execa(process.execPath, [entry], {
    cwd: o.workspace,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 240_000,
  });
  const stdout = String(r.stdout);
  const exitCode = r.exitCode ?? -1;
  return {
    exitCode,
    stdout,
    stderr: String(r.stderr),
    outputs: parseOutputFile(readText(files.output)),
    summary: readText(files.summary),
    failed: exitCode === 0 ? null : (failureOf(stdout) ?? (String(r.stderr).trim() || `exit ${exitCode}`)),
    runnerTemp: temp,
  };
}

/** Where local-action and its own tsx live (pnpm keeps a package's dependencies beside it). */
function localAction(): { cli: string; tsx: string } {
  const pkg = realpathSync(path.join(ROOT, 'test', 'node_modules', '@github', 'local-action'));
  return {
    cli: path.join(pkg, 'src', 'index.ts'),
    tsx: path.join(realpathSync(path.join(pkg, '..', '..', 'tsx')), 'dist', 'cli.mjs'),
  };
}

/** A `.env` line dotenv reads back as `value` exactly (single quotes: no escapes, newlines kept). */
export function dotenvLine(key: string, value: string): string {
  if (!value.includes("'")) return `${key}='${value}'`;
  if (!value.includes('`')) return `${key}=\`${value}\``;
  if (!value.includes('"') && !value.includes('\\n') && !value.includes('\\r'))
    return `${key}="${value.replace(/\n/g, '\\n')}"`;
  throw new Error(`a .env cannot hold the value of ${key}`);
}

/**
 * The TypeScript entry under @github/local-action 7: `local-action run <dir> <entry> <.env>` with cwd apps/action, where
 * `pnpm list @actions/… --json` finds the toolkit packages it stubs (quibble.esm, on their pnpm store paths).
 */
async function runLocal(o: ActionRunOptions): Promise<ActionRun> {
  const { env, files, temp, dir: runDir } = runnerEnv(o);
  const dotenv = path.join(runDir, 'local.env');
  writeFileSync(
    dotenv,
    Object.entries(inputsOf(o))
      .map(([k, v]) => dotenvLine(inputVariable(k), v))
      .join('\n') + '\n',
  );
  const dir = o.action?.dir ?? ACTION_DIR;
  const { cli, tsx } = localAction();
  const r = await execa(process.execPath, [tsx, cli, 'run', dir, o.action?.entry ?? SRC_ENTRY, dotenv], {
    cwd: ACTION_DIR,
    env: {
      ...env,
      TARGET_ACTION_PATH: dir,
      NODE_PACKAGE_MANAGER: 'pnpm',
      npm_config_update_notifier: 'false',
      NODE_NO_WARNINGS: '1',
    },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 240_000,
  });
  const stdout = stripAnsi(String(r.stdout));
  return {
    exitCode: r.exitCode ?? -1,
    stdout,
    stderr: String(r.stderr),
    outputs: parseSetOutput(stdout),
    summary: readText(files.summary),
    // The stub neither escapes the message nor sets the exit code: the `::error::` line says it.
    failed: failureOf(stdout) ?? (r.exitCode ? String(r.stderr).trim() || `exit ${r.exitCode}` : null),
    runnerTemp: temp,
  };
}

/** The two ways to run the action. */
export const runners: Record<'dist' | 'local', (o: ActionRunOptions) => Promise<ActionRun>> = {
  dist: runDist,
  local: runLocal,
};
