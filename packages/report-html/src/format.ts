/** `$0.0123`: a cost as the CLI's summary writes it (four decimals). */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** `1,234,567`: a count with thousands separators (fixed to en-US: the page reads the same on every machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `850 ms`, `12.4 s`, `3 min 5 s`: a duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
