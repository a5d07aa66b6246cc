import type { CommittedJob } from './kind.js';

/** `n word` or `n words`: the counts of commit subjects. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where a commit's jobs worked: the one source file by name, else how many files. */
export function where(jobs: readonly CommittedJob[]): string {
  const sources = new Set(jobs.map((j) => j.target.file.path));
  return sources.size === 1 ? [...sources][0]! : plural(sources.size, 'file');
}
