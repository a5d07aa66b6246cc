// The benchmark's model: answers planner, worker and verifier requests from the JSON schema they carry, as long as a
// model's answers are (seeded prose), rejects and escalates a seeded share, and serves the billed o200k token counts.
import type { FakeHandler, FakeRequest } from '../fake/openai-server.js';
import { declaredSymbol } from '../fake/doc-fields.js';
import { countTokens, requestTexts } from '../fake/latency.js';
import { billedInput, PromptCache } from './billing.js';
import { paramText, rejectionText, returnsText, rngOf, summaryText, throwsText, unitOf } from './prose.js';

export type BenchRole = 'planner' | 'worker' | 'verifier';

/** What the benchmark records per served request (by request index). */
export interface ServedMeta extends AnswerNotes {
  role: BenchRole;
  /** The model the request named. */
  model: string;
  /** Jobs in the request: packed worker items, or the verifier's verdict keys; 1 for the planner. */
  items: number;
  instructionTokens: number;
  /** The output schema as sent. */
  schemaTokens: number;
  /** Billed input: instructions + schema + input + message overhead. */
  inputTokens: number;
  /** The stable prefix (instructions + schema). */
  prefixTokens: number;
  /** Of `inputTokens`, what prompt caching would have served as cached. */
  cachedTokens: number;
  outputTokens: number;
}

/**
 * The role of a request, from the shape of its output schema: the verifier's has `rejections` (and no worker `items`),
 * or `verdicts` in the shapes before (a boolean or an `{ accept, reason }` per key).
 */
export function roleOfSchema(schema: any): BenchRole {
  const props = schema?.properties ?? {};
  if (props.steps) return 'planner';
  if ((props.rejections && !props.items) || props.verdicts) return 'verifier';
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

/** The fields of a docstring item schema that are not parameters (a flat schema names every parameter beside them). */
const DOC_FIELDS = new Set(['summary', 'params', 'returns', 'throws', 'escalate']);

/**
 * A docstring for `symbol` as long as a model writes one, shaped by the worker's schema (in its field order): a summary
 * of 15–25 words, each parameter (flat, or under `params` when the schema nests them) and the return value 6–10 words,
 * throws 6–10 words; seeded by `seed` (the job's context), so the same job gets the same answer on every run. A single
 * job's `escalate` field says `escalate` (`'no'` unless the job is escalated).
 */
export function docAnswer(schema: any, symbol: string, seed = symbol, escalate = 'no'): Record<string, unknown> {
  const props = schema?.properties ?? {};
  const rng = rngOf(seed);
  const [verb = 'handle', ...rest] = words(symbol.split('.').pop() ?? symbol);
  const object = rest.length ? rest.join(' ') : 'value';
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(props)) {
    if (key === 'summary') out.summary = summaryText(rng, `${thirdPerson(verb)} the ${object}`);
    else if (key === 'params')
      out.params = Object.fromEntries(
        Object.keys(props.params.properties ?? {}).map((k) => [k, paramText(rng, words(k).join(' '))]),
      );
    else if (key === 'returns') out.returns = returnsText(rng, object);
    else if (key === 'throws') out.throws = throwsText(rng);
    else if (key === 'escalate') out.escalate = escalate;
    else if (!DOC_FIELDS.has(key)) out[key] = paramText(rng, words(key).join(' '));
  }
  return out;
}

/** The declaration a docstring context documents (its `Declaration:` line, else its code's first line). */
function declared(text: string): string {
  return declaredSymbol(text) ?? 'value';
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

/** How the bench's model behaves: the share of worker items it escalates and of verified items it rejects. */
export interface BenchBehaviour {
  /**
   * Share of worker items offered escalation (a single job's `escalate` field, a pack's `escalate` list) escalated as
   * `'too-complex'`, seeded by the job. @default 0
   */
  escalateShare: number;
  /** Share of verified items rejected (with a 6–12 word reason), seeded by the item, on their first verification. */
  rejectShare: number;
}

/** 5% of items rejected, none escalated. */
export const DEFAULT_BEHAVIOUR: BenchBehaviour = { escalateShare: 0, rejectShare: 0.05 };

/** What one answer did beyond its JSON: the items it escalated and the verdicts that rejected. */
export interface AnswerNotes {
  escalated: number;
  rejected: number;
  /** The worker schema offered `escalate` (a field, or a pack's list: the engine offers self-escalation). */
  escalateOffered: boolean;
  /** The verifier's answer shape: rejections only, a boolean per key and rejections, `{ accept, reason }` per key. */
  verifierShape: VerifierShape | null;
}

/** `## <key>` sections of a packed input (worker items, verifier items), by key. */
function sections(input: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of input.split(/^## /m).slice(1)) {
    const key = /^(\S+)/.exec(part)?.[1];
    if (key) out.set(key, part);
  }
  return out;
}

/** The verifier answer shapes the bench answers (the older ones let it compare commits). */
export type VerifierShape = 'rejections' | 'booleans' | 'objects';

/** A verifier schema's item keys and its answer shape. */
function verifierShape(schema: any): { keys: string[]; shape: VerifierShape } {
  const verdicts = schema.properties.verdicts?.properties;
  if (!verdicts) return { keys: schema.properties.rejections?.items?.properties?.key?.enum ?? [], shape: 'rejections' };
  const keys = Object.keys(verdicts);
  return { keys, shape: verdicts[keys[0] ?? '']?.type === 'boolean' ? 'booleans' : 'objects' };
}

/**
 * The items of a verifier input by key: a `## j1` section, or a `// j1` line and the code after it in its file's fence
 * (how the verifier is shown docstrings: one fence per file, a marker line per item).
 */
function verifierItems(input: string): Map<string, string> {
  const out = sections(input);
  let key: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (key && !out.has(key)) out.set(key, lines.join('\n'));
    key = null;
    lines = [];
  };
  for (const line of input.split('\n')) {
    const marker = /^\/\/ (j\d+)$/.exec(line);
    if (marker || /^(?:`{3}|#{2,3} |Task for )/.test(line)) flush();
    if (marker) key = marker[1]!;
    else if (key) lines.push(line);
  }
  flush();
  return out;
}

/**
 * The verifier's answer: every item accepted, except a seeded share rejected the first time the bench sees that item
 * (`seen` remembers; a retried job's new result is then accepted), in the schema's shape: `rejections: [{ key, reason
 * }]` alone (an item not listed is accepted), with `verdicts: { j1: true }` beside it, or `{ accept, reason }` per key.
 */
function verifierAnswer(req: FakeRequest, input: string, b: BenchBehaviour, seen: Set<string>) {
  const { keys, shape } = verifierShape(req.schema);
  const parts = verifierItems(input);
  const rejected = new Map<string, string>();
  for (const key of keys) {
    const item = parts.get(key)?.replace(/^\S+/, '') ?? key;
    const first = !seen.has(item);
    seen.add(item);
    if (first && unitOf(`reject\u0000${item}`) < b.rejectShare) rejected.set(key, rejectionText(rngOf(item)));
  }
  const rejections = [...rejected].map(([key, reason]) => ({ key, reason }));
  const json =
    shape === 'rejections'
      ? { rejections }
      : shape === 'booleans'
        ? { verdicts: Object.fromEntries(keys.map((k) => [k, !rejected.has(k)])), rejections }
        : {
            verdicts: Object.fromEntries(
              keys.map((k) => [k, { accept: !rejected.has(k), reason: rejected.get(k) ?? '' }]),
            ),
          };
  return { json, items: keys.length, rejected: rejected.size, shape };
}

/** Whether the bench's model escalates the job of `context` (a seeded share, `escalateShare`). */
function escalates(context: string, b: BenchBehaviour): boolean {
  return unitOf(`escalate\u0000${context}`) < b.escalateShare;
}

/**
 * A packed worker call's answer: every item's docstring under its key, and, when the schema offers the call's
 * `escalate` list, the seeded share of the items it names listed there as `'too-complex'`.
 */
function packAnswer(req: FakeRequest, itemSchemas: Record<string, any>, input: string, b: BenchBehaviour) {
  const parts = sections(input);
  const items: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(itemSchemas)) {
    const context = parts.get(key) ?? key;
    items[key] = docAnswer(resolveRef(schema, req.schema), declared(context), context);
  }
  const list = req.schema?.properties?.escalate;
  const offered: string[] = list?.items?.properties?.key?.enum ?? [];
  const escalate = offered
    .filter((key) => escalates(parts.get(key) ?? key, b))
    .map((key) => ({ key, reason: 'too-complex' }));
  return { json: { items, ...(list ? { escalate } : {}) }, escalated: escalate.length, offered: Boolean(list) };
}

/** The JSON answer for a request, and the number of jobs it covers. */
export function answer(
  req: FakeRequest,
  b: BenchBehaviour = DEFAULT_BEHAVIOUR,
  seen: Set<string> = new Set(),
): { role: BenchRole; json: Record<string, unknown>; items: number; notes: AnswerNotes } {
  const role = roleOfSchema(req.schema);
  const { input } = requestTexts(req);
  const notes: AnswerNotes = { escalated: 0, rejected: 0, escalateOffered: false, verifierShape: null };
  if (role === 'planner') {
    const task = /Task:\n([\s\S]*?)\n\n/.exec(input)?.[1] ?? input;
    return { role, json: plan(task), items: 1, notes };
  }
  if (role === 'verifier') {
    const v = verifierAnswer(req, input, b, seen);
    return {
      role,
      json: v.json,
      items: v.items,
      notes: { ...notes, rejected: v.rejected, verifierShape: v.shape },
    };
  }
  const itemSchemas = req.schema?.properties?.items?.properties as Record<string, any> | undefined;
  if (itemSchemas) {
    // A packed call: sections `## <key>` of the input, one schema per key, and the call's `escalate` list.
    const pack = packAnswer(req, itemSchemas, input, b);
    notes.escalated = pack.escalated;
    notes.escalateOffered = pack.offered;
    return { role, json: pack.json, items: Object.keys(itemSchemas).length, notes };
  }
  const escalated = Boolean(req.schema?.properties?.escalate) && escalates(input, b);
  const json = docAnswer(req.schema, declared(input), input, escalated ? 'too-complex' : 'no');
  notes.escalateOffered = Boolean(req.schema?.properties?.escalate);
  notes.escalated = escalated ? 1 : 0;
  return { role, json, items: 1, notes };
}

/** A schema, or the `$defs` entry its `$ref` names (one item schema referenced by every packed item). */
function resolveRef(schema: any, root: any): any {
  const ref = typeof schema?.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  return ref !== undefined ? (root?.$defs?.[ref] ?? schema) : schema;
}

/**
 * The benchmark handler: answers like a model ({@link answer}), usage = the billed input ({@link billedInput}: the
 * output schema and message overhead included) and the o200k tokens of the JSON answer, no cached tokens (the cached
 * figure is worked out beside it: {@link PromptCache}). Records what it served per request index in `meta`.
 */
export function benchHandler(meta: Map<number, ServedMeta>, b: BenchBehaviour = DEFAULT_BEHAVIOUR): FakeHandler {
  const seen = new Set<string>();
  const cache = new PromptCache();
  return (req, n) => {
    const { role, json, items, notes } = answer(req, b, seen);
    const billed = billedInput(req);
    const outputTokens = countTokens(JSON.stringify(json));
    const cachedTokens = cache.cachedTokens(billed);
    const { instructionTokens, inputTokens, schemaTokens, prefixTokens } = billed;
    meta.set(n, {
      ...{ role, model: req.model, items, instructionTokens, schemaTokens, inputTokens, prefixTokens },
      ...{ cachedTokens, outputTokens, ...notes },
    });
    return { json, usage: { input: inputTokens, output: outputTokens, cached: 0 } };
  };
}
