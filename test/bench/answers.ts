// The benchmark's model: answers planner, worker and verifier requests from the JSON schema they carry, with short
// plausible text, and serves o200k token counts as usage.
import type { FakeHandler, FakeRequest } from '../fake/openai-server.js';
import { countTokens, requestTexts } from '../fake/latency.js';

export type BenchRole = 'planner' | 'worker' | 'verifier';

/** What the benchmark records per served request (by request index). */
export interface ServedMeta {
  role: BenchRole;
  /** Jobs in the request: packed worker items, or the verifier's verdict keys; 1 for the planner. */
  items: number;
  instructionTokens: number;
  inputTokens: number;
  outputTokens: number;
}

/** The role of a request, from the shape of its output schema. */
export function roleOfSchema(schema: any): BenchRole {
  const props = schema?.properties ?? {};
  if (props.steps) return 'planner';
  if (props.verdicts) return 'verifier';
  return 'worker';
}

/** `getUserById` → `['get', 'user', 'by', 'id']`. */
export function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_$.\-]+/g, ' ')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

/** `get` → `Gets`, `apply` → `Applies`, `fetch` → `Fetches`. */
function thirdPerson(verb: string): string {
  const v = verb.charAt(0).toUpperCase() + verb.slice(1);
  if (/[^aeiou]y$/.test(v)) return `${v.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(v)) return `${v}es`;
  return `${v}s`;
}

/** A short plausible docstring for `symbol`, shaped by the worker's schema (summary, params keys, returns, throws). */
export function docAnswer(schema: any, symbol: string): Record<string, unknown> {
  const props = schema?.properties ?? {};
  const [verb = 'handle', ...rest] = words(symbol.split('.').pop() ?? symbol);
  const object = rest.length ? rest.join(' ') : 'value';
  const out: Record<string, unknown> = { summary: `${thirdPerson(verb)} the ${object} from the given inputs.` };
  if (props.params) {
    out.params = Object.fromEntries(
      Object.keys(props.params.properties ?? {}).map((k) => [k, `The ${words(k).join(' ')} to use.`]),
    );
  }
  if (props.returns) out.returns = `The resulting ${object}.`;
  if (props.throws) out.throws = 'When the input is invalid.';
  return out;
}

/** The declaration a docstring context names (`Declaration: function \`add\``). */
function declared(text: string): string {
  return /Declaration: [\w-]+ `([^`]+)`/.exec(text)?.[1] ?? 'value';
}

/** The planner's plan: one docstring step for exported functions, scoped to the .ts paths the task names. */
function plan(task: string): Record<string, unknown> {
  const paths = [...new Set(task.match(/[\w./-]+\.[cm]?tsx?\b/g) ?? [])];
  return {
    steps: [
      {
        kind: 'docstring',
        variant: null,
        paths,
        declarationKinds: ['function'],
        names: [],
        exportedOnly: true,
        includeDocumented: false,
        changedSince: null,
        instructions: '',
      },
    ],
    unsupported: null,
  };
}

/** The JSON answer for a request, and the number of jobs it covers. */
export function answer(req: FakeRequest): { role: BenchRole; json: Record<string, unknown>; items: number } {
  const role = roleOfSchema(req.schema);
  const { input } = requestTexts(req);
  if (role === 'planner') {
    const task = /Task:\n([\s\S]*?)\n\n/.exec(input)?.[1] ?? input;
    return { role, json: plan(task), items: 1 };
  }
  if (role === 'verifier') {
    const keys = Object.keys(req.schema.properties.verdicts.properties ?? {});
    return {
      role,
      json: { verdicts: Object.fromEntries(keys.map((k) => [k, { accept: true, reason: '' }])) },
      items: keys.length,
    };
  }
  const itemSchemas = req.schema?.properties?.items?.properties as Record<string, any> | undefined;
  if (itemSchemas) {
    // A packed call: sections `## <key>` of the input, one schema per key.
    const sections = new Map<string, string>();
    for (const part of input.split(/^## /m).slice(1)) {
      const key = /^(\S+)/.exec(part)?.[1];
      if (key) sections.set(key, part);
    }
    const items = Object.fromEntries(
      Object.entries(itemSchemas).map(([key, schema]) => [key, docAnswer(schema, declared(sections.get(key) ?? ''))]),
    );
    return { role, json: { items }, items: Object.keys(items).length };
  }
  return { role, json: docAnswer(req.schema, declared(input)), items: 1 };
}

/**
 * The benchmark handler: schema-shaped answers, usage = o200k tokens of the request's instructions + input and of the
 * served text (no cached tokens). Records what it served per request index in `meta`.
 */
export function benchHandler(meta: Map<number, ServedMeta>): FakeHandler {
  return (req, n) => {
    const { role, json, items } = answer(req);
    const texts = requestTexts(req);
    const instructionTokens = countTokens(texts.instructions);
    const inputTokens = instructionTokens + countTokens(texts.input);
    const outputTokens = countTokens(JSON.stringify(json));
    meta.set(n, { role, items, instructionTokens, inputTokens, outputTokens });
    return { json, usage: { input: inputTokens, output: outputTokens, cached: 0 } };
  };
}
