// The bench's scenarios and its command line (`pnpm bench --help`).
import { DEFAULT_LATENCY, type LatencyModel } from '../fake/latency.js';

const INDEX_FILES = 2000;
const INDEX_FUNCTIONS_PER_FILE = 5;

export type ScenarioKind = 'docstrings' | 'index' | 'mathts';
export interface ScenarioDef {
  name: string;
  kind: ScenarioKind;
  functions: number;
  files: number;
  /** The share of worker items the bench's model escalates in this scenario (else `--escalate-share`'s). */
  escalateShare?: number;
  /** The CLI's `--concurrency` in this scenario (else `--concurrency`'s). */
  concurrency?: number;
  /** A scale scenario: run only with `--scale` or when named by `--scenarios`. */
  scale?: boolean;
}

export const SCENARIOS: ScenarioDef[] = [
  { name: 'docstrings-100', kind: 'docstrings', functions: 100, files: Math.ceil(100 / 8) },
  { name: 'docstrings-1000', kind: 'docstrings', functions: 1000, files: Math.ceil(1000 / 8) },
  { name: 'docstrings-5000', kind: 'docstrings', functions: 5000, files: Math.ceil(5000 / 8) },
  // Routing: the same repository as docstrings-N, with 10% of the worker items escalated by the model.
  { name: 'docstrings-100-esc10', kind: 'docstrings', functions: 100, files: Math.ceil(100 / 8), escalateShare: 0.1 },
  {
    name: 'docstrings-1000-esc10',
    kind: 'docstrings',
    functions: 1000,
    files: Math.ceil(1000 / 8),
    escalateShare: 0.1,
  },
  { name: 'index-2000-files', kind: 'index', functions: INDEX_FILES * INDEX_FUNCTIONS_PER_FILE, files: INDEX_FILES },
  { name: 'mathts-4', kind: 'mathts', functions: 4, files: 1 },
  // Scale (issue 17, `--scale`): 100,000 functions in 1,000 files of 100; 10,000 docstring jobs at concurrency 64.
  { name: 'index-100k', kind: 'index', functions: 100_000, files: 1000, scale: true },
  {
    name: 'docstrings-10000',
    kind: 'docstrings',
    functions: 10_000,
    files: Math.ceil(10_000 / 8),
    concurrency: 64,
    scale: true,
  },
];
const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => !s.scale);
const QUICK = ['docstrings-100', 'docstrings-100-esc10', 'index-2000-files', 'mathts-4'];

export interface Options {
  scenarios: ScenarioDef[];
  out: string | null;
  concurrency: number;
  latency: LatencyModel;
  seed: number;
  keep: boolean;
  warmup: boolean;
  /** Runs of each start-up command (0: not measured). */
  startupRuns: number;
  /** Runs of mathts-4 whose launch-to-planner times give the median (one run is ±20 ms on this machine). */
  plannerRuns: number;
  /** Share of worker items the bench's model answers `escalate: 'too-complex'` (when the schema offers it). */
  escalateShare: number;
  /** The CLI's `--planning` for the measured runs (the launch-to-planner runs always use `model`). */
  planning: 'auto' | 'model' | 'rules';
}

function usage(): string {
  return [
    'Usage: pnpm bench [options]',
    '',
    `  --scenarios <names>      comma-separated subset of: ${SCENARIOS.map((s) => s.name).join(', ')} (default: all but the scale ones)`,
    `  --quick                  ${QUICK.join(', ')}`,
    `  --scale                  the scale scenarios only: ${SCENARIOS.filter((s) => s.scale)
      .map((s) => s.name)
      .join(', ')} (not in the default run; no start-up runs)`,
    '  --out <file>             write the results as JSON',
    "  --concurrency <n>        the CLI's --concurrency (default 32; docstrings-10000 always runs at 64)",
    `  --first-token-ms <ms>    latency model: time to first token (default ${DEFAULT_LATENCY.firstTokenMs})`,
    `  --tokens-per-second <n>  latency model: output speed (default ${DEFAULT_LATENCY.tokensPerSecond})`,
    '  --seed <n>               seed of the synthetic repositories (default 1)',
    '  --keep                   keep the temporary repositories',
    '  --no-warmup              skip the warm-up run (fills the tsx transpile cache)',
    '  --startup-runs <n>       runs of node -e 0, --version and --help, interleaved (default 9; 0: skip)',
    '  --planner-runs <n>       runs of mathts-4 with --planning model for the median launch-to-planner time (default 5)',
    '  --escalate-share <0..1>  share of worker items the model escalates (too-complex), seeded (default 0; the -esc10',
    '                           scenarios use 0.1)',
    "  --planning <who>         the CLI's --planning: auto, model or rules (default auto)",
  ].join('\n');
}

export function parseArgs(argv: string[]): Options {
  const opts: Options = {
    ...{ scenarios: DEFAULT_SCENARIOS, out: null, concurrency: 32, latency: { ...DEFAULT_LATENCY } },
    ...{ seed: 1, keep: false, warmup: true, startupRuns: 9, plannerRuns: 5, escalateShare: 0 },
    planning: 'auto',
  };
  let startupGiven = false;
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--':
        break;
      case '--quick':
        opts.scenarios = SCENARIOS.filter((s) => QUICK.includes(s.name));
        break;
      case '--scale':
        opts.scenarios = SCENARIOS.filter((s) => s.scale);
        if (!startupGiven) opts.startupRuns = 0;
        break;
      case '--scenarios': {
        const names = (value() ?? '').split(/[,\s]+/).filter(Boolean);
        const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
        if (unknown.length || names.length === 0)
          throw new Error(`unknown scenario(s): ${unknown.join(', ') || '(none given)'}`);
        opts.scenarios = SCENARIOS.filter((s) => names.includes(s.name));
        break;
      }
      case '--out':
        opts.out = value() ?? null;
        if (!opts.out) throw new Error('--out needs a file');
        break;
      case '--concurrency':
        opts.concurrency = Math.round(num(flag, value()));
        break;
      case '--first-token-ms':
        opts.latency.firstTokenMs = num(flag, value());
        break;
      case '--tokens-per-second':
        opts.latency.tokensPerSecond = num(flag, value());
        break;
      case '--seed':
        opts.seed = Math.round(num(flag, value()));
        break;
      case '--keep':
        opts.keep = true;
        break;
      case '--startup-runs': {
        const v = value();
        opts.startupRuns = v === '0' ? 0 : Math.round(num(flag, v));
        startupGiven = true;
        break;
      }
      case '--planner-runs':
        opts.plannerRuns = Math.round(num(flag, value()));
        break;
      case '--escalate-share': {
        const v = Number(value());
        if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error('--escalate-share needs a share from 0 to 1');
        opts.escalateShare = v;
        break;
      }
      case '--planning': {
        const v = value();
        if (v !== 'auto' && v !== 'model' && v !== 'rules') throw new Error('--planning needs auto, model or rules');
        opts.planning = v;
        break;
      }
      case '--no-warmup':
        opts.warmup = false;
        break;
      case '-h':
      case '--help':
        console.log(usage());
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}\n\n${usage()}`);
    }
  }
  return opts;
}
