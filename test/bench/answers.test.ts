import { describe, expect, it } from 'vitest';
import type { FakeRequest } from '../fake/openai-server.js';
import { countTokens } from '../fake/latency.js';
import { outputJsonSchema, verifierInput as engineVerifierInput, verifierSchema } from '@orchestrate/agents';
import { answer, benchHandler, docAnswer, type ServedMeta } from './answers.js';
import { billedInput, MESSAGE_OVERHEAD_TOKENS, PromptCache, REPLY_PRIMING_TOKENS } from './billing.js';
import { economyOf } from './economy.js';

const wordCount = (s: unknown) => String(s).split(/\s+/).filter(Boolean).length;
const str = { type: 'string' };
const REASONS = ['no', 'too-complex', 'needs-more-context', 'unclear-task'];
/** A docstring item schema: flat (a field per parameter), or with the parameters under `params` (a name collides). */
const docSchema = (escalate = false, nested = false) => ({
  type: 'object',
  properties: {
    summary: str,
    ...(nested ? { params: { type: 'object', properties: { minuend: str, subtrahend: str } } } : {}),
    ...(nested ? {} : { minuend: str, subtrahend: str }),
    returns: str,
    throws: str,
    ...(escalate && { escalate: { type: 'string', enum: REASONS } }),
  },
});
const request = (schema: unknown, input: string, instructions = 'Document it.', extra = {}): FakeRequest => ({
  ...{
    path: '/v1/responses',
    headers: {},
    model: 'gpt-5.4-nano',
    kind: 'responses',
    stream: false,
    schemaName: 'out',
    schema,
  },
  body: { instructions, input, ...extra },
});
const keys = (count: number) => Array.from({ length: count }, (_, i) => `j${i + 1}`);
const verifierInput = (count: number, tag = '') =>
  keys(count)
    .map((k, i) => `## ${k}\nInstructions: add a doc comment\nResult:\n/** Doc ${i}${tag}. */`)
    .join('\n\n');

describe('the bench answers like a model', () => {
  it('writes docstrings of model length (summary 15–25 words, parameters, returns and throws 6–10), seeded', () => {
    for (const symbol of ['subtract', 'getUserById', 'parseConfigFile', 'x']) {
      const a = docAnswer(docSchema(), symbol);
      expect(Object.keys(a)).toEqual(['summary', 'minuend', 'subtrahend', 'returns', 'throws']);
      expect(wordCount(a.summary)).toBeGreaterThanOrEqual(15);
      expect(wordCount(a.summary)).toBeLessThanOrEqual(25);
      for (const text of [a.minuend, a.subtrahend, a.returns, a.throws]) {
        expect(wordCount(text)).toBeGreaterThanOrEqual(6);
        expect(wordCount(text)).toBeLessThanOrEqual(10);
      }
      expect(docAnswer(docSchema(), symbol)).toEqual(a);
      expect(a).not.toHaveProperty('escalate');
    }
  });

  it('answers a schema that keeps the parameters under params (a name collides) in that shape', () => {
    const a = docAnswer(docSchema(false, true), 'subtract');
    expect(Object.keys(a)).toEqual(['summary', 'params', 'returns', 'throws']);
    expect(Object.keys(a.params as object)).toEqual(['minuend', 'subtrahend']);
  });

  it('answers the verifier with its rejections only and rejects about 5% once, with a 6–12 word reason', () => {
    const rejection = {
      type: 'object',
      properties: { key: { type: 'string', enum: keys(400) }, reason: str },
      required: ['key', 'reason'],
    };
    const schema = { type: 'object', properties: { rejections: { type: 'array', items: rejection } } };
    const seen = new Set<string>();
    const first = answer(request(schema, verifierInput(400)), undefined, seen);
    expect(first.role).toBe('verifier');
    expect(first.items).toBe(400);
    expect(first.notes.verifierShape).toBe('rejections');
    const json = first.json as { rejections: { key: string; reason: string }[] };
    expect(Object.keys(json)).toEqual(['rejections']);
    expect(first.notes.rejected).toBeGreaterThan(5);
    expect(first.notes.rejected).toBeLessThan(40);
    expect(json.rejections).toHaveLength(first.notes.rejected);
    for (const r of json.rejections) {
      expect(keys(400)).toContain(r.key);
      expect(wordCount(r.reason)).toBeGreaterThanOrEqual(6);
      expect(wordCount(r.reason)).toBeLessThanOrEqual(12);
    }
    // The same items again (a retried job's result): accepted.
    const again = answer(request(schema, verifierInput(400)), undefined, seen);
    expect(again.notes.rejected).toBe(0);
    expect(again.json).toEqual({ rejections: [] });
  });

  it('tells the items of verifier inputs apart as the engine writes them (a `// j1` line per item in a file fence)', () => {
    // 25 batches of 16 (keys j1–j16 in each), 400 different results: about 5% rejected.
    const schema = outputJsonSchema(verifierSchema(keys(16)));
    const seen = new Set<string>();
    const batch = (b: number) =>
      engineVerifierInput(
        keys(16).map((key, i) => ({
          key,
          instructions: 'Add an accurate doc comment to this declaration.',
          file: `src/f${b}.ts`,
          result: ['```ts', `/** Doc ${b}.${i}. */`, `export function fn${b}x${i}(x: number): number`, '```'].join(
            '\n',
          ),
        })),
      );
    expect(batch(0)).toContain('\n// j2\n');
    const rejected = (b: number) => answer(request(schema, batch(b)), undefined, seen).notes.rejected;
    const first = Array.from({ length: 25 }, (_, b) => rejected(b)).reduce((n, r) => n + r, 0);
    expect(first).toBeGreaterThan(5);
    expect(first).toBeLessThan(40);
    expect(rejected(3)).toBe(0);
  });

  it('keeps the boolean verifier shape (a boolean per key beside the rejections) for a schema that asks for it', () => {
    const schema = {
      type: 'object',
      properties: {
        verdicts: { type: 'object', properties: Object.fromEntries(keys(400).map((k) => [k, { type: 'boolean' }])) },
        rejections: { type: 'array', items: { type: 'object' } },
      },
    };
    const first = answer(request(schema, verifierInput(400)));
    expect(first.notes.verifierShape).toBe('booleans');
    const json = first.json as { verdicts: Record<string, boolean>; rejections: { key: string; reason: string }[] };
    expect(Object.keys(json.verdicts)).toEqual(keys(400));
    expect(json.rejections).toHaveLength(first.notes.rejected);
    expect(first.notes.rejected).toBeGreaterThan(5);
    for (const r of json.rejections) expect(json.verdicts[r.key]).toBe(false);
  });

  it('keeps the old verifier shape ({ accept, reason } per key) for a schema that asks for it', () => {
    const verdict = { type: 'object', properties: { accept: { type: 'boolean' }, reason: str } };
    const schema = {
      type: 'object',
      properties: { verdicts: { type: 'object', properties: Object.fromEntries(keys(200).map((k) => [k, verdict])) } },
    };
    const a = answer(request(schema, verifierInput(200, 'old')));
    const verdicts = (a.json as { verdicts: Record<string, { accept: boolean; reason: string }> }).verdicts;
    const rejected = Object.values(verdicts).filter((v) => !v.accept);
    expect(rejected.length).toBe(a.notes.rejected);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((v) => wordCount(v.reason) >= 6)).toBe(true);
    expect(
      Object.values(verdicts)
        .filter((v) => v.accept)
        .every((v) => v.reason === ''),
    ).toBe(true);
  });

  it("lists the seeded --escalate-share of a pack's offered items in its escalate list as 'too-complex'", () => {
    const items = keys(200);
    const offered = items.filter((_, i) => i % 4 !== 3);
    const list = (names: string[]) => ({
      type: 'array',
      items: {
        type: 'object',
        properties: { key: { type: 'string', enum: names }, reason: { type: 'string', enum: REASONS } },
      },
    });
    const schema = (escalate: boolean) => ({
      type: 'object',
      properties: {
        items: { type: 'object', properties: Object.fromEntries(items.map((k) => [k, docSchema()])) },
        ...(escalate ? { escalate: list(offered) } : {}),
      },
    });
    const input = items
      .map((k, i) => `## ${k}\n\`\`\`ts\nexport function fn${i}(minuend: number) {}\n\`\`\`\n`)
      .join('\n');
    const escalations = (share: number) => {
      const a = answer(request(schema(true), input), { escalateShare: share, rejectShare: 0 });
      const json = a.json as { items: Record<string, Record<string, string>>; escalate: { key: string }[] };
      expect(Object.keys(json.items)).toEqual(items);
      expect(json.items.j1!.summary).toMatch(/^Fn0s the value /);
      expect(a.notes.escalateOffered).toBe(true);
      expect(json.escalate).toHaveLength(a.notes.escalated);
      for (const e of json.escalate) {
        expect(offered).toContain(e.key);
        expect(e).toEqual({ key: e.key, reason: 'too-complex' });
      }
      return a.notes.escalated;
    };
    expect(escalations(0)).toBe(0);
    const some = escalations(0.1);
    expect(some).toBeGreaterThan(5);
    expect(some).toBeLessThan(40);
    expect(escalations(0.1)).toBe(some);
    // Not offered: no list, nothing escalated, every item answered.
    const none = answer(request(schema(false), input), { escalateShare: 1, rejectShare: 0 });
    expect(none.json).not.toHaveProperty('escalate');
    expect(none.notes).toMatchObject({ escalated: 0, escalateOffered: false });
  });

  it("escalates a single job's escalate field for the seeded share", () => {
    const input = '```ts\nexport function subtract(minuend: number, subtrahend: number) {}\n```';
    const a = answer(request(docSchema(true), input), { escalateShare: 1, rejectShare: 0 });
    expect(a.json).toMatchObject({ escalate: 'too-complex' });
    expect(a.json.summary).toMatch(/^Subtracts the value /);
    expect(a.notes).toMatchObject({ escalated: 1, escalateOffered: true });
    const b = answer(request(docSchema(true), input), { escalateShare: 0, rejectShare: 0 });
    expect(b.json).toMatchObject({ escalate: 'no' });
  });
});

describe('input counted the way the API bills it', () => {
  it('is instructions + input + the output schema as sent + message overhead', () => {
    const schema = docSchema();
    const req = request(schema, 'Declaration: function `subtract`', 'Write TSDoc.');
    const b = billedInput(req);
    const parts =
      countTokens('Write TSDoc.') +
      countTokens('Declaration: function `subtract`') +
      countTokens(JSON.stringify(schema));
    expect(b.inputTokens).toBe(parts + 2 * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMING_TOKENS);
    expect(b.schemaTokens).toBe(countTokens(JSON.stringify(schema)));
    expect(b.prefixTokens).toBe(MESSAGE_OVERHEAD_TOKENS + countTokens('Write TSDoc.') + b.schemaTokens);
  });

  it('caches a repeated prefix of ≥ 1,024 tokens under one prompt_cache_key, in 128-token steps', () => {
    const long = 'Follow the rules of this repository carefully. '.repeat(150);
    const cache = new PromptCache();
    const req = (key: string, input: string) =>
      billedInput(request(docSchema(), input, long, { prompt_cache_key: key }));
    const first = req('k', 'a');
    expect(first.prefixTokens).toBeGreaterThanOrEqual(1024);
    expect(cache.cachedTokens(first)).toBe(0);
    expect(cache.cachedTokens(req('k', 'b'))).toBe(Math.floor(first.prefixTokens / 128) * 128);
    expect(cache.cachedTokens(req('other', 'b'))).toBe(0);
    // Another schema after the same long instructions: the instructions' part is cached.
    const other = billedInput(request(docSchema(true), 'c', long, { prompt_cache_key: 'k' }));
    expect(cache.cachedTokens(other)).toBe(Math.floor(other.instructionsPrefixTokens / 128) * 128);
    const short = billedInput(request(docSchema(), 'a', 'Short.', { prompt_cache_key: 'k' }));
    expect(cache.cachedTokens(short)).toBe(0);
    expect(cache.cachedTokens(short)).toBe(0);
  });

  it('serves the billed count as usage and prices it per role, list and cached', async () => {
    const meta = new Map<number, ServedMeta>();
    const handle = benchHandler(meta);
    const req = request(docSchema(), 'Declaration: function `subtract`');
    const reply = (await handle(req, 0)) as { usage: { input: number; output: number } };
    expect(reply.usage.input).toBe(billedInput(req).inputTokens);
    const e = economyOf([...meta.values()]);
    expect(e.roles.worker).toMatchObject({ calls: 1, inputTokens: reply.usage.input, cachedTokens: 0 });
    expect(e.total.usd).toBeCloseTo((reply.usage.input * 0.2 + reply.usage.output * 1.25) / 1e6, 12);
    expect(e.total.usdCached).toBe(e.total.usd);
  });
});
