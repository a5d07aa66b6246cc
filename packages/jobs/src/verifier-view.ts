import type { Declaration } from '@orchestrate/repo';

/** Kinds whose index signature is already their head (the text before a block body): functions and members. */
const HEAD_IS_SIGNATURE = new Set<Declaration['kind']>(['function', 'method', 'accessor']);

/**
 * A declaration's head for the verifier, never its body: a function's or member's signature; an arrow function's text
 * up to its block body (else its first line); a class, interface, enum or type alias: its first line, without the
 * opening brace. Lines of a multi-line head are joined on one line (indentation costs tokens and tells nothing).
 */
export function declarationHead(d: Declaration, fileText: string): string {
  if (HEAD_IS_SIGNATURE.has(d.kind)) return oneLine(d.signature);
  if (d.kind === 'arrow-function' && d.body) return oneLine(fileText.slice(d.start, d.body.start - 1));
  const first = d.signature.split('\n', 1)[0]!;
  return first.replace(/\s*\{\s*$/, '').trimEnd();
}

/** A text's lines joined with single spaces (none inside the parentheses of a wrapped parameter list). */
function oneLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim());
  let out = lines[0] ?? '';
  for (const line of lines.slice(1)) {
    if (/^[)\]}>]/.test(line)) out = out.replace(/,$/, '') + line;
    else out += /[([{<]$/.test(out) ? line : ` ${line}`;
  }
  return out;
}

/** Text inserted at an indented declaration, without that indentation on its lines (a member's doc comment). */
export function dedent(text: string, indent: string): string {
  return indent
    ? text
        .split('\n')
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n')
    : text;
}

/**
 * A doc comment as the verifier reads it: its opening and closing lines kept, its other lines without their ` * `
 * prefix (a token or two on every line, and the renderer's to get right, not the model's), and no indentation.
 */
export function bareComment(comment: string): string {
  return comment
    .split('\n')
    .map((l) => {
      if (/^\s*\*\//.test(l)) return l.trimStart();
      const bare = l.replace(/^\s*\*(?!\/) ?/, '');
      // A line that would read as an item marker, a heading or a fence once bare keeps its prefix.
      return /^(?:\/\/|#|```|Task for )/.test(bare) ? l.trimStart() : bare;
    })
    .join('\n');
}

/** A TypeScript fence around code: the one shape of a verifier view that the batch input merges per file. */
export function tsFence(code: string): string {
  return ['```ts', code, '```'].join('\n');
}
