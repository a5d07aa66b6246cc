// The targets of the scale scenarios (issue 17, `pnpm bench --scale`): a 100,000-function dry run and 10,000 docstring
// jobs at concurrency 64. Printed with the other targets, each PASS, FAIL or NOT MEASURED.
import type { LatencyModel } from '../fake/latency.js';
import type { BenchResult } from './report.js';

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? '–' : (ms / 1000).toFixed(1));

/** The scale targets' lines; none when no scale scenario ran (the default run prints none of them). */
export function scaleTargets(rows: BenchResult[], latency: LatencyModel): string[] {
  const ran = rows.filter((r) => r.scale);
  if (ran.length === 0) return [];
  const by = (name: string) => ran.find((r) => r.name === name && !r.error);
  const verdict = (ok: boolean | null) => (ok === null ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL  <<<<<<');
  const out: string[] = [];
  const check = (label: string, figure: string, ok: boolean | null, where = '') =>
    out.push(`  ${verdict(ok).padEnd(13)} ${label}: ${figure}${where ? `  (${where})` : ''}`);

  if (ran.some((r) => r.name === 'index-100k')) {
    const idx = by('index-100k');
    const jobs = idx ? `${idx.jobs.toLocaleString('en-US')} jobs` : '';
    check(
      'index + expansion of 100,000 functions ≤ 20 s (the dry run inside the CLI: report durationMs)',
      idx ? `${secs(idx.runMs)} s (index ${fmt(idx.indexMs)} ms; ${jobs})` : '–',
      idx && idx.runMs !== null ? idx.runMs <= 20_000 : null,
    );
    check(
      'peak RSS of that run ≤ 1.5 GB',
      idx ? `${fmt(idx.peakRssMb)} MB` : '–',
      idx && idx.peakRssMb !== null ? idx.peakRssMb <= 1536 : null,
    );
    check(
      '--dry-run of 100,000 functions ≤ 30 s (wall, the whole CLI process)',
      idx ? `${secs(idx.wallMs)} s` : '–',
      idx ? idx.wallMs <= 30_000 : null,
    );
  }
  if (ran.some((r) => r.name === 'docstrings-10000')) {
    const docs = by('docstrings-10000');
    const defaults = latency.firstTokenMs === 1000 && latency.tokensPerSecond === 150;
    const where = defaults ? '' : `measured at ${latency.firstTokenMs} ms, ${latency.tokensPerSecond} tok/s`;
    check(
      'efficiency ≥ 0.95 at concurrency 64, 10,000 jobs, 1 s first token, 150 tok/s',
      docs ? `${fmt(docs.efficiency, 3)} (wall ${secs(docs.wallMs)} s, ideal ${secs(docs.idealWallMs)} s)` : '–',
      docs && docs.efficiency !== null ? docs.efficiency >= 0.95 : null,
      docs ? where : '',
    );
  }
  return out;
}
