// Seeded prose for the benchmark's answers: sentences of a chosen length, as long as a model's, the same for the same
// seed text on every run.

/** FNV-1a of a text, as a 32-bit unsigned integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the text: the seeded draw that decides a share (rejected, escalated). */
export function unitOf(text: string): number {
  return hash32(text) / 2 ** 32;
}

/** Mulberry32: a small seeded generator of numbers in [0, 1). */
export function rngOf(seedText: string): () => number {
  let a = hash32(seedText);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const CLAUSES = [
  'from the given inputs',
  'and returns the result to the caller',
  'without changing any of its arguments',
  'using the current configuration of the module',
  'so that callers can rely on a stable value',
  'in a single pass over the data',
  'as the surrounding code expects',
  'when the caller asks for it',
  'for later use by other functions',
  'following the conventions of this package',
  'and keeps the original order of the entries',
  'while checking each value along the way',
];

const PARAM_TAILS = ['to read from', 'that the caller provides', 'used for the computation', 'to check first'];
const RETURN_TAILS = ['computed from the inputs', 'that the caller can use', 'after every check has passed'];
const THROW_TAILS = [
  'when an argument is out of range',
  'if the input cannot be parsed',
  'when a required value is missing',
];
const REASONS = [
  'the summary describes behaviour the code does not have',
  'a parameter description names the wrong argument',
  'the comment claims a return value the function never gives',
  'the description of the thrown error does not match the code',
];

/** An integer in [min, max]. */
function between(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** `lead` followed by seeded clauses, cut to between `min` and `max` words in all, ending with a full stop. */
export function sentence(rng: () => number, lead: string, min: number, max: number, pool = CLAUSES): string {
  const target = between(rng, min, max);
  const words = lead.split(/\s+/).filter(Boolean);
  let i = Math.floor(rng() * pool.length);
  while (words.length < target) words.push(...pool[i++ % pool.length]!.split(' '));
  return `${words.slice(0, target).join(' ')}.`;
}

/** A docstring summary of 15–25 words led by `lead` ("Gets the user by id"). */
export const summaryText = (rng: () => number, lead: string) => sentence(rng, lead, 15, 25);
/** A parameter's description of 6–10 words. */
export const paramText = (rng: () => number, name: string) => sentence(rng, `The ${name}`, 6, 10, PARAM_TAILS);
/** The return value's description of 6–10 words. */
export const returnsText = (rng: () => number, object: string) =>
  sentence(rng, `The resulting ${object}`, 6, 10, RETURN_TAILS);
/** When it throws, in 6–10 words. */
export const throwsText = (rng: () => number) => sentence(rng, 'Throws an error', 6, 10, THROW_TAILS);
/** A verifier's reason to reject, 6–12 words. */
export const rejectionText = (rng: () => number) => sentence(rng, '', 6, 12, REASONS);
