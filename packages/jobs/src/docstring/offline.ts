import type { Declaration } from '@orchestrate/repo';
import type { DocContent } from './render.js';

const VERBS = new Set(
  (
    'get set create make build parse format load save add remove delete update find compute calculate read write handle ' +
    'validate check render fetch convert apply run start stop open close send receive register resolve merge sort filter ' +
    'map reduce normalize serialize deserialize encode decode init initialize reset clear emit dispatch process transform ' +
    'generate print log ensure assert count collect select insert append push pop split join wrap unwrap extract ' +
    'compare copy clone list use fill mark move load try visit walk scan match test replace trim increment decrement ' +
    'enable disable show hide toggle notify subscribe unsubscribe listen connect disconnect submit cancel retry schedule ' +
    'divide multiply subtract sum clamp round format merge sanitize escape unescape hash sign verify encrypt decrypt ' +
    'download upload install uninstall request query lookup measure track refresh reload restore store cache ' +
    'invalidate mount unmount attach detach bind resize scale rotate translate negate invert flatten group chunk ' +
    'pick omit assign define declare configure setup sync await wait sleep delay throttle debounce memoize pipe compose'
  ).split(' '),
);
const PREDICATES = new Set(['is', 'has', 'can', 'should', 'contains', 'includes', 'exists']);

/** Splits `getUserById` / `get_user_by_id` / `HTTPServer` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/^[_$#]+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$-]+/)
    .filter(Boolean)
    .map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()));
}

function thirdPerson(verb: string): string {
  if (/(s|sh|ch|x|z|o)$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function phrase(ws: string[]): string {
  return ws.join(' ');
}

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Template summary from a callable's name: `getUserById` → "Gets the user by id." */
function callableSummary(name: string, decl: Declaration): string {
  const ws = words(name);
  const [first = name, ...rest] = ws;
  const params = decl.params.map((p) => phrase(words(p.name)));
  if (PREDICATES.has(first)) {
    const subject = params[0] ? `the ${params[0]}` : 'it';
    const verb =
      first === 'is'
        ? 'is'
        : first === 'has'
          ? 'has'
          : first === 'can'
            ? 'can'
            : first === 'should'
              ? 'should'
              : thirdPerson(first);
    return `Checks whether ${subject} ${verb}${rest.length ? ` ${phrase(rest)}` : ''}.`;
  }
  if (first === 'to' && rest.length) return `Converts ${params[0] ? `the ${params[0]} ` : ''}to ${phrase(rest)}.`;
  if (first === 'on' && rest.length) return `Handles the ${phrase(rest)} event.`;
  if (VERBS.has(first)) {
    if (rest.length) return `${capitalize(thirdPerson(first))} the ${phrase(rest)}.`;
    return `${capitalize(thirdPerson(first))}${params.length ? ` the given ${list(params)}` : ''}.`;
  }
  return decl.returnsVoid
    ? `Runs ${phrase(ws)}.`
    : `Computes the ${phrase(ws)}${params.length ? ` from ${list(params)}` : ''}.`;
}

function returnsText(decl: Declaration, name: string): string {
  const ws = words(name);
  const [first = '', ...rest] = ws;
  if (PREDICATES.has(first)) return '`true` if so, otherwise `false`.';
  const what =
    (first === 'get' || first === 'find' || first === 'load' || first === 'fetch' || first === 'create') && rest.length
      ? `the ${phrase(rest.slice(0, rest.indexOf('by') > 0 ? rest.indexOf('by') : rest.length))}`
      : 'the result';
  return decl.async ? `A promise that resolves to ${what}.` : `${capitalize(what)}.`;
}

function throwsText(decl: Declaration): string {
  const first = decl.thrown[0] ?? '';
  const m = /^new\s+([A-Za-z_$][\w$]*)\s*\(\s*(['"`])(.*?)\2/.exec(first);
  if (m) return `{@link ${m[1]}} ${m[3]!.replace(/\$\{[^}]*\}/g, '…')}`.trim();
  const ctor = /^new\s+([A-Za-z_$][\w$]*)/.exec(first);
  return ctor ? `{@link ${ctor[1]}} when the operation fails.` : 'When the operation fails.';
}

/** The offline engine's doc comment: plain template text from names, parameter names and types. No model. */
export function offlineDocContent(decl: Declaration): DocContent {
  const name = decl.symbol.split('.').pop() ?? decl.symbol;
  const ws = phrase(words(name));
  let summary: string;
  switch (decl.kind) {
    case 'class':
      summary = `The ${ws} class.`;
      break;
    case 'interface':
      summary = `Describes the shape of ${/^[aeio]/.test(ws) ? 'an' : 'a'} ${ws}.`;
      break;
    case 'type-alias':
      summary = `The ${ws} type.`;
      break;
    case 'enum':
      summary = `The possible ${ws} values.`;
      break;
    case 'accessor':
      summary = `The ${ws}.`;
      break;
    default:
      summary = callableSummary(name, decl);
  }
  const params: Record<string, string> = {};
  for (const p of decl.params) {
    const base = `The ${phrase(words(p.name))}`;
    params[p.name] = `${p.rest ? `${base} (any number)` : base}${p.optional ? ' (optional)' : ''}.`;
  }
  return {
    summary,
    params,
    returns: decl.returnsVoid ? null : returnsText(decl, name),
    throws: decl.throws ? throwsText(decl) : null,
  };
}
