// `pnpm bench`: runs the real CLI on seeded synthetic repositories against the fake OpenAI server with a latency model,
// measures from outside (wall, CPU, peak RSS), reads the report and the server log, and checks the targets.
// A measurement, not a test: it exits 0 even when a target fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { latencyHook } from '../fake/latency.js';
import { startFakeOpenAI, type FakeHandler, type FakeServer } from '../fake/openai-server.js';
import { benchHandler, DEFAULT_BEHAVIOUR, type ServedMeta } from './answers.js';
import { economyTable, economyTargets } from './economy-report.js';
import { parseArgs, type Options, type ScenarioDef } from './options.js';
import { cpuSoFar, runCliMeasured, TIME } from './measure.js';
import { cpuSplit, secs, startupTable, table, targets, type BenchResult } from './report.js';
import { scaleTargets } from './scale-report.js';
import { parseJson, summarize } from './summarize.js';
import { measureStartup, type Startup } from './startup.js';
import { generateRepo, MATH_FIXTURE } from './synthetic.js';
import { dist, makeGitRepo } from './repo-util.js';

const DOC_TASK = 'add docstrings to every exported function';
const MATH_TASK = 'Add a JSDoc comment to every exported function in src/math.ts';

/** Runs one scenario end to end (with the CLI's `--planning planning`). */
async function runScenario(def: ScenarioDef, opts: Options, planning = opts.planning): Promise<BenchResult> {
  // Generating and committing the repository is timed apart (it is no part of any target).
  const generating = performance.now();
  const files =
    def.kind === 'mathts'
      ? {
          'src/math.ts': MATH_FIXTURE,
          'package.json': `${JSON.stringify({ name: 'mathts', private: true, type: 'module' }, null, 2)}\n`,
        }
      : generateRepo({ seed: opts.seed, functions: def.functions, files: def.files }).files;
  const dir = makeGitRepo(files);
  const generatedMs = Math.round(performance.now() - generating);
  const meta = new Map<number, ServedMeta>();
  let server: FakeServer | null = null;
  // The CLI's CPU when its first planner request arrives (read from /proc as the request is answered).
  let pid: number | null = null;
  let cpuToPlannerMs: number | null = null;
  const escalateShare = def.escalateShare ?? opts.escalateShare;
  const concurrency = def.concurrency ?? opts.concurrency;
  const served = benchHandler(meta, { ...DEFAULT_BEHAVIOUR, escalateShare });
  const handler: FakeHandler = (req, n) => {
    const reply = served(req, n);
    if (cpuToPlannerMs === null && pid !== null && meta.get(n)?.role === 'planner') cpuToPlannerMs = cpuSoFar(pid);
    return reply;
  };
  try {
    let args: string[];
    let env: Record<string, string | undefined>;
    if (def.kind === 'index') {
      args = ['-C', dir, '--dry-run', '--engine', 'offline', '--json', '--yes', DOC_TASK];
      env = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined };
    } else {
      server = await startFakeOpenAI(handler, { latency: latencyHook(opts.latency) });
      const task = def.kind === 'mathts' ? MATH_TASK : DOC_TASK;
      args = ['-C', dir, '--engine', 'openai', '--json', '--yes', '--concurrency', String(concurrency)];
      args.push('--planning', planning, task);
      env = { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.url };
    }
    const m = await runCliMeasured(args, env, (p) => (pid = p));
    const report = parseJson(m.stdout);
    const result = summarize(def, m, report, server, meta, concurrency);
    return { ...result, cpuToPlannerMs, escalateShare, planning, generatedMs };
  } finally {
    await server?.close();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    else console.error(`  kept ${dir}`);
  }
}

/**
 * Runs mathts-4 again until `plannerRuns` launch-to-planner times are in, and puts their median (and the median CPU by
 * then) in `r`: the other columns stay the first run's.
 */
async function plannerMedian(r: BenchResult, def: ScenarioDef, opts: Options): Promise<void> {
  // With --planning auto (or rules) the rules plan mathts-4 and no planner call is made: the runs ask the model.
  const runs = r.planning === 'model' ? [{ wall: r.launchToPlannerMs, cpu: r.cpuToPlannerMs }] : [];
  while (runs.length < opts.plannerRuns) {
    const again = await runScenario(def, opts, 'model');
    runs.push({ wall: again.launchToPlannerMs, cpu: again.cpuToPlannerMs });
  }
  const walls = runs.map((x) => x.wall).filter((x): x is number => x !== null);
  const cpus = runs.map((x) => x.cpu).filter((x): x is number => x !== null);
  r.launchToPlannerRuns = walls;
  r.launchToPlannerMs = walls.length ? dist(walls)!.median : null;
  r.cpuToPlannerMs = cpus.length ? dist(cpus)!.median : null;
}

/** Warm-up: one small openai run with no latency, so the first measured run does not pay tsx's cold transpile cache. */
async function warmup(opts: Options): Promise<void> {
  const dir = makeGitRepo({ 'src/math.ts': MATH_FIXTURE });
  const server = await startFakeOpenAI(benchHandler(new Map()));
  try {
    await runCliMeasured(['-C', dir, '--engine', 'openai', '--json', '--yes', MATH_TASK], {
      OPENAI_API_KEY: 'bench',
      OPENAI_BASE_URL: server.url,
    });
    await runCliMeasured(['-C', dir, '--dry-run', '--engine', 'offline', '--json', '--yes', MATH_TASK], {
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
    });
  } finally {
    await server.close();
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exitCode = 2;
    return;
  }
  console.error(
    `bench: ${opts.scenarios.map((s) => s.name).join(', ')} | concurrency ${opts.concurrency} | latency ${opts.latency.firstTokenMs} ms + tokens / ${opts.latency.tokensPerSecond} tok/s | seed ${opts.seed} | ${cpus().length} cores, Node ${process.versions.node} | CPU/RSS: ${TIME ? '/usr/bin/time -v' : 'report metrics (no /usr/bin/time)'}`,
  );
  if (opts.warmup) {
    console.error('bench: warm-up run…');
    await warmup(opts);
  }
  const rows: BenchResult[] = [];
  for (const def of opts.scenarios) {
    console.error(`bench: ${def.name}…`);
    const r = await runScenario(def, opts);
    if (def.kind === 'mathts' && opts.plannerRuns > 0) await plannerMedian(r, def, opts);
    rows.push(r);
    const tl = r.timeline
      .map((t) => `${t.role}×${t.calls} ${secs(t.startMs)}–${secs(t.endMs)} s (ideal ${secs(t.idealMs)} s)`)
      .join(', ');
    console.error(
      `bench: ${def.name}: ${secs(r.wallMs)} s (repository generated in ${secs(r.generatedMs)} s), exit ${r.exitCode}, ${r.status ?? 'no report'}${tl ? ` | calls: ${tl}` : ''}`,
    );
    if (r.error) console.error(`bench: ${def.name} FAILED TO RUN: ${r.error}`);
  }
  let startup: Startup | null = null;
  if (opts.startupRuns > 0) {
    console.error(`bench: start-up, ${opts.startupRuns} runs each of node -e 0, --version, --help…`);
    startup = await measureStartup(opts.startupRuns);
  }
  console.log('');
  console.log(table(rows));
  if (startup) {
    console.log('');
    console.log(startupTable(startup));
  }
  console.log('');
  console.log(economyTable(rows));
  console.log('');
  console.log('Targets:');
  // The scale scenarios have targets of their own: the others are checked on the other scenarios (a --scale run prints
  // only the scale targets).
  const base = rows.filter((r) => !r.scale);
  if (base.length > 0 || startup) {
    for (const l of targets(base, opts, startup)) console.log(l);
    for (const l of economyTargets(base)) console.log(l);
  }
  for (const l of scaleTargets(rows, opts.latency)) console.log(l);
  if (opts.out) {
    const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), opts.out);
    mkdirSync(path.dirname(file), { recursive: true });
    const { concurrency, latency, seed } = opts;
    const settings = { concurrency, latency, seed, node: process.versions.node, cores: cpus().length };
    const results = { settings, scenarios: rows, startup, cpuSplit: cpuSplit(rows) };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nresults: ${file}`);
  }
}

await main();
