import { ts } from 'ts-morph';

/** A credential found in a file: where, and what kind (never the value itself: annotations get uploaded). */
export interface SecretHit {
  /** 1-based line. */
  line: number;
  /** What it looks like, e.g. `a GitHub token`. */
  what: string;
}

/** Token formats that are credentials wherever they appear: code, comments, config files. */
const PATTERNS: { what: string; re: RegExp }[] = [
  { what: 'a private key block', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { what: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { what: 'a GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/ },
  // The key part must mix digits and capitals, so kebab-case names such as `sk-button-primary-large` never match.
  { what: 'an OpenAI API key', re: /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/ },
];

/** Lines of `text` holding a known credential format, one hit per line. */
export function secretPatternHits(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  text.split('\n').forEach((lineText, i) => {
    const found = PATTERNS.find((p) => p.re.test(lineText));
    if (found) hits.push({ line: i + 1, what: found.what });
  });
  return hits;
}

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

/** Entropy at or above which a string assigned to a secret-like name is taken for a credential. */
export const ENTROPY_THRESHOLD = 3.5;
/** Shortest string the entropy check looks at: short strings are too random by chance. */
export const ENTROPY_MIN_LENGTH = 20;

const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'pwd', 'key', 'apikey', 'credential', 'credentials']);

/**
 * Whether a name says it holds a secret: its last word (camelCase, snake_case or kebab-case) is one of the secret words,
 * so `apiKey`, `GITHUB_TOKEN` and `dbPassword` count, while `tokenUrl`, `keyName` and `passwordField` do not.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1)?.toLowerCase();
  return last !== undefined && SECRET_WORDS.has(last);
}

/** Whether a literal value looks like a generated credential rather than a word, a sentence or a placeholder. */
export function looksRandom(value: string): boolean {
  return value.length >= ENTROPY_MIN_LENGTH && !/\s/.test(value) && shannonEntropy(value) >= ENTROPY_THRESHOLD;
}

/** String literals with a random-looking value assigned to a secret-like name (variables, properties, assignments, defaults). */
export function secretLiteralHits(sf: ts.SourceFile, lineOf: (pos: number) => number): SecretHit[] {
  const hits: SecretHit[] = [];
  const check = (nameNode: ts.Node | undefined, value: ts.Node | undefined) => {
    if (!nameNode || !value) return;
    if (!ts.isStringLiteral(value) && !ts.isNoSubstitutionTemplateLiteral(value)) return;
    const name = nameOf(nameNode);
    if (name === null || !isSecretName(name) || !looksRandom(value.text)) return;
    hits.push({ line: lineOf(value.getStart(sf)), what: `a random-looking string (${shannonEntropy(value.text).toFixed(1)} bits/char) assigned to \`${name}\`` });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node)) {
      check(node.name, node.initializer);
    } else if (ts.isPropertyAssignment(node)) {
      check(node.name, node.initializer);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      check(node.left, node.right);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

/** The name a value is assigned to: `x`, `'x'`, `obj.x`, `obj['x']`; null for anything else. */
function nameOf(node: ts.Node): string | null {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isStringLiteral(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)) return node.argumentExpression.text;
  return null;
}
