import picomatch from 'picomatch';
import { DEFAULTS } from '@orchestrate/core';
import { SECRET_PATTERNS, isPlaceholderValue, type SecretPattern } from './secret-patterns.js';

// The one secret detector: the review rule reports what it finds, the engine redacts it from every model request.

export { SECRET_PATTERNS, isPlaceholderValue, type SecretPattern } from './secret-patterns.js';

/** Entropy at or above which a string assigned to a secret-like name is taken for a credential. */
export const ENTROPY_THRESHOLD = 3.5;
/** Shortest string the entropy check looks at: short strings are too random by chance. */
export const ENTROPY_MIN_LENGTH = 20;

/** Shannon entropy of `s` in bits per character. */
export function shannonEntropy(s: string): number {
  const chars = [...s];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'key',
  'apikey',
  'credential',
  'credentials',
  'auth',
]);

/**
 * Whether a name says it holds a secret: its last word (camelCase, snake_case or kebab-case, trailing digits ignored) is
 * one of the secret words, so `apiKey`, `apiKey2`, `GITHUB_TOKEN_2` and `dbPassword` count, while `tokenUrl`, `keyName`
 * and `passwordField` do not.
 */
export function isSecretName(name: string): boolean {
  const last = nameWords(name).at(-1)?.toLowerCase();
  return last !== undefined && SECRET_WORDS.has(last);
}

/** The words of a camelCase, snake_case or kebab-case name, trailing digits dropped. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.replace(/[0-9]+$/, ''))
    .filter(Boolean);
}

/** Last words of a name that holds a password, whose literal values are secrets however short they are. */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret']);

/**
 * Whether a name says it holds a password (or a secret): its last word is `password`, `passwd`, `pwd`, `pass`,
 * `passphrase` or `secret`, so `dbPassword`, `DB_PASS` and `clientSecret` count, `passwordField` does not.
 */
export function isPasswordName(name: string): boolean {
  if (name === 'PWD') return false; // the shell's working directory
  const last = nameWords(name).at(-1)?.toLowerCase();
  return last !== undefined && PASSWORD_WORDS.has(last);
}

/**
 * Whether a literal assigned to a password-like name is taken for a password: any non-empty value without spaces (a
 * label such as "Enter your password" has them) that is not a template or variable reference. A short or well-known
 * value ("changeme") counts too: a false positive costs only a placeholder that is put back, a miss leaks it.
 */
export function looksLikePassword(value: string): boolean {
  return value.length > 0 && !/\s/.test(value) && !isPlaceholderValue(value);
}

/**
 * Whether a literal value looks like a generated credential rather than a word, an identifier, a sentence or a
 * placeholder: long, no spaces, high entropy, letters and digits mixed, and not a URL without credentials in it.
 */
export function looksRandom(value: string): boolean {
  // A template literal: only its literal pieces can hold a credential (`${…}` is code).
  if (value.includes('${')) return value.split(/\$\{[^}]*\}/).some(looksRandom);
  if (value.length < ENTROPY_MIN_LENGTH || /\s/.test(value) || !/[0-9]/.test(value) || !/[A-Za-z]/.test(value))
    return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^@]*$/i.test(value) || value.includes('[REDACTED:')) return false;
  return !isMadeOfWords(value) && shannonEntropy(value) >= ENTROPY_THRESHOLD;
}

/**
 * Whether a value is words joined by separators or camelCase, with at most short numbers and versions between them
 * (`orchestrate-planner-v1`, `userFingerprint/v2`, `cache_key_2024`): a name or a key, not a credential.
 */
function isMadeOfWords(value: string): boolean {
  return value
    .split(/[-_./:@]+/)
    .filter(Boolean)
    .every((part) => {
      if (/^v?[0-9]{1,4}$/.test(part)) return true;
      const tokens = part
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
        .split(' ');
      tokens.push(tokens.pop()!.replace(/[0-9]{1,4}$/, ''));
      return tokens.every((t) => /^(?:[A-Z]?[a-z]+|[A-Z]+)$/.test(t));
    });
}

/** `name = "value"`, `name: 'value'`, `"name": "value"`, `name: string = \`value\`` on one line. */
const ASSIGNED_LITERAL =
  /(?<![\w$])(?<q>["']?)(?<name>[A-Za-z_$][\w$-]*)\k<q>\s*(?:\??:\s*[\w$.<>[\]| ]{1,40}?\s*(?==))?(?:=>|:=|[:=])\s*(?<open>["'`])(?<v>(?:(?!\k<open>)[^\\\r\n]|\\.)+?)\k<open>/g;
/** `NAME=value` at the start of a line (.env style, shell exports). */
const ASSIGNED_BARE = /^[ \t]*(?:export[ \t]+)?(?<name>[A-Za-z_]\w*)[ \t]*=[ \t]*(?<v>[^\s"'`]+)/gm;

/**
 * Whether an unquoted value is code rather than data: a call, an index, an object, or (unless the name is an
 * environment-style `ALL_CAPS` one) a variable or property chain — `password = opts.password;` is code.
 */
function looksLikeCode(name: string, value: string): boolean {
  if (/[()[\]{};,]/.test(value)) return true;
  return !/^[A-Z][A-Z0-9_]*$/.test(name) && /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(value);
}

/** One secret found in a text: where it is (offsets into the text), what kind, and how to describe it. */
export interface SecretMatch {
  start: number;
  end: number;
  id: string;
  what: string;
}

/** Every secret in `text`, sorted and without overlaps: the known formats, then random literals named like a secret. */
export function findSecrets(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  const add = (m: RegExpExecArray, id: string, what: string) => {
    const span = m.indices?.groups?.v ?? m.indices?.[0];
    if (!span || span[1] <= span[0]) return;
    if (found.some((f) => span[0] < f.end && f.start < span[1])) return;
    found.push({ start: span[0], end: span[1], id, what });
  };
  for (const p of SECRET_PATTERNS) {
    for (const m of text.matchAll(withIndices(p.re))) if (passes(p, m)) add(m, p.id, p.what);
  }
  for (const re of [ASSIGNED_LITERAL, ASSIGNED_BARE]) {
    for (const m of text.matchAll(withIndices(re))) {
      const name = m.groups?.name ?? '';
      const value = m.groups?.v ?? '';
      if (re === ASSIGNED_BARE && looksLikeCode(name, value)) continue;
      if (isSecretName(name) && looksRandom(value)) add(m, 'secret', `a random-looking string assigned to \`${name}\``);
      else if (isPasswordName(name) && looksLikePassword(value))
        add(m, 'password', `a literal assigned to \`${name}\``);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Whether a match of `p` passes its further check (when it has one). */
function passes(p: SecretPattern, m: RegExpExecArray): boolean {
  return !p.valid || p.valid(m.groups?.v ?? m[0], m.groups ?? {});
}

const flagged = new Map<RegExp, RegExp>();
/** The same regex with the `d` flag, so match groups carry their offsets. */
function withIndices(re: RegExp): RegExp {
  let out = flagged.get(re);
  if (!out) flagged.set(re, (out = new RegExp(re.source, re.flags.includes('d') ? re.flags : `${re.flags}d`)));
  return out;
}

/** A known credential format found in a file: where (1-based line) and what it looks like, never the value. */
export interface SecretHit {
  line: number;
  what: string;
}

/** Lines of `text` holding a known credential format, one hit per line (the leftmost format on the line a match starts on). */
export function secretPatternHits(text: string): SecretHit[] {
  const matches = SECRET_PATTERNS.flatMap((p) =>
    [...text.matchAll(p.re)].filter((m) => passes(p, m)).map((m) => ({ at: m.index, what: p.what })),
  );
  const hits: SecretHit[] = [];
  const seen = new Set<number>();
  for (const m of matches.sort((a, b) => a.at - b.at)) {
    const line = lineAt(text, m.at);
    if (!seen.has(line)) hits.push({ line, what: m.what });
    seen.add(line);
  }
  return hits;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Matches placeholders this module writes, so a model's echo of one can be mapped back. */
export const PLACEHOLDER = /\[REDACTED:[a-z-]+#\d+\]/g;

/**
 * Redacts secrets from the texts of one model request: each distinct value becomes one numbered placeholder, the same
 * in every text of the request, so the model's echo of a placeholder can be put back (`restore`) before an edit of real
 * code is made from it. Placeholders that the texts already hold literally are never reused, never restored.
 */
export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly literal = new Set<string>();

  /** How many distinct secret values were replaced. */
  get count(): number {
    return this.byValue.size;
  }

  /** The texts (of one request) with every secret replaced by `[REDACTED:<id>#<n>]`. */
  redactAll(texts: readonly string[]): string[] {
    for (const text of texts) for (const m of text.matchAll(PLACEHOLDER)) this.literal.add(m[0]);
    return texts.map((text) => this.redactOne(text));
  }

  private redactOne(text: string): string {
    const matches = findSecrets(text);
    if (matches.length === 0) return text;
    let out = '';
    let at = 0;
    for (const m of matches) {
      const value = text.slice(m.start, m.end);
      out += text.slice(at, m.start) + this.placeholderFor(value, m.id);
      at = m.end;
    }
    return out + text.slice(at);
  }

  private placeholderFor(value: string, id: string): string {
    const known = this.byValue.get(value);
    if (known) return known;
    let n = this.byValue.size + 1;
    while (this.literal.has(`[REDACTED:${id}#${n}]`)) n++;
    const placeholder = `[REDACTED:${id}#${n}]`;
    this.byValue.set(value, placeholder);
    this.byPlaceholder.set(placeholder, value);
    return placeholder;
  }

  /** `text` with this redactor's placeholders replaced by the values they stand for; other text stays. */
  restore(text: string): string {
    if (this.byPlaceholder.size === 0) return text;
    return text.replace(PLACEHOLDER, (p) => this.byPlaceholder.get(p) ?? p);
  }

  /** Whether `text` holds a placeholder that is neither this redactor's nor in the request (a model inventing one). */
  hasForeignPlaceholder(text: string): boolean {
    return [...text.matchAll(PLACEHOLDER)].some((m) => !this.byPlaceholder.has(m[0]) && !this.literal.has(m[0]));
  }
}

/** `text` with its secrets replaced by placeholders, and how many distinct values were replaced. */
export function redactSecrets(text: string): { text: string; count: number } {
  const redactor = new Redactor();
  const [out = text] = redactor.redactAll([text]);
  return { text: out, count: redactor.count };
}

/**
 * A test for secret files (never read, never sent to a model): the built-in globs plus `extra`. A glob without a slash
 * matches the file name in any directory.
 */
export function secretFileMatcher(extra: readonly string[] = []): (file: string) => boolean {
  const globs = [...DEFAULTS.secretFiles, ...extra];
  // picomatch's `basename` option would also apply to globs with a slash, so the two sorts get a matcher each.
  const byName = picomatch(
    globs.filter((g) => !g.includes('/')),
    { dot: true, basename: true, nocase: true },
  );
  const byPath = picomatch(
    globs.filter((g) => g.includes('/')),
    { dot: true, nocase: true },
  );
  return (file) => byName(file) || byPath(file);
}

/** The reason recorded for a skipped secret file. */
export const SECRET_FILE_REASON = 'secret file (never sent to a model)';
