import type { Declaration } from '@orchestrate/repo';
import { JobRejected } from '../kind.js';
import { hasCommentDelimiter, refuseUnsafeText } from '../sanitize.js';

/** The content of a doc comment, before it is rendered. */
export interface DocContent {
  summary: string;
  params: Record<string, string>;
  returns: string | null;
  throws: string | null;
}

const MAX_FIELD = 600;
const WRAP = 100;

/**
 * A doc tag the model wrote: TypeScript reads `@word` after whitespace as a tag (`@internal` drops the declaration from
 * `.d.ts` under `stripInternal`, `@type` retypes it in JavaScript, `@jsx` / `@ts-nocheck` are pragmas). Tags are code's.
 */
const MODEL_TAG = /(^|[^\w{`\\])@[A-Za-z]|@internal/;

/**
 * Cleans one model-written field: control characters, text that could end the comment (also through look-alikes of
 * `*` and `/`) and doc tags are refused, newlines collapse into one paragraph. Returns '' for an empty field.
 */
export function cleanField(value: string, field: string): string {
  refuseUnsafeText(value, field, MAX_FIELD * 4);
  let text = value.replace(/\s+/g, ' ').trim();
  if (hasCommentDelimiter(text))
    throw new JobRejected(`${field} contains comment delimiters (*/ or /*, or look-alikes of them)`);
  if (MODEL_TAG.test(text))
    throw new JobRejected(`${field} contains a doc tag (@…): tags are written by code, fields are plain prose`);
  if (text.length > MAX_FIELD) text = `${text.slice(0, MAX_FIELD - 1).trimEnd()}…`;
  return text;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Renders a TSDoc comment for `decl`, indented like the declaration, ending where the declaration starts. */
export function renderDocComment(decl: Declaration, content: DocContent, eol: string): string {
  const summary = cleanField(content.summary, 'summary');
  if (!summary) throw new JobRejected('summary is empty');
  const body: string[] = [...wrap(summary, WRAP)];
  const tags: string[] = [];
  for (const param of decl.params) {
    const given = Object.hasOwn(content.params, param.name) ? content.params[param.name] : undefined;
    const text = cleanField(given ?? '', `@param ${param.name}`);
    tags.push(...wrap(`@param ${param.name} - ${text || `The ${param.name}.`}`, WRAP));
  }
  if (!decl.returnsVoid && content.returns !== null) {
    const text = cleanField(content.returns, '@returns');
    if (text) tags.push(...wrap(`@returns ${text}`, WRAP));
  }
  if (decl.throws && content.throws !== null) {
    const text = cleanField(content.throws, '@throws');
    if (text) tags.push(...wrap(`@throws ${text}`, WRAP));
  }
  if (tags.length) body.push('', ...tags);
  const pad = decl.indent;
  const lines = body.map((l) => (l ? `${pad} * ${l}` : `${pad} *`));
  return `/**${eol}${lines.join(eol)}${eol}${pad} */${eol}${pad}`;
}
