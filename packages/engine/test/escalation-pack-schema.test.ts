// A packed worker call states an item schema that several items share once, under `$defs` (with `escalate` in it when
// offered), and the run works on answers made from that JSON schema alone.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { outputJsonSchema } from '@orchestrate/agents';
import { schemaFaker, startFakeOpenAI, type FakeReply, type FakeRequest } from '../../../test/fake/openai-server.js';
import { fakeModelEnv, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { docStep } from '../../../test/e2e/openai-script.js';
import { resolveConfig } from '@orchestrate/core';
import { packEscalateSchema, packEscalations } from '../src/job/escalation.js';
import { packJsonSchema, schemaRefsFor } from '../src/job/pack-schema.js';

const doc = z.strictObject({ summary: z.string(), x: z.string() });
const other = z.strictObject({ summary: z.string() });

/** A JSON schema with every `$ref` replaced by its definition and `$defs` removed. */
function inlined(schema: any, root = schema): any {
  if (Array.isArray(schema)) return schema.map((s) => inlined(s, root));
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') return inlined(root.$defs[schema.$ref.replace('#/$defs/', '')], root);
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => k !== '$defs')
      .map(([k, v]) => [k, inlined(v, root)]),
  );
}

describe('packJsonSchema', () => {
  it('states a shared item schema once under $defs and inlines the others; inlined, it is the zod schema', () => {
    const keys = ['j1', 'j2', 'j3', 'j4'];
    const items = [doc, doc, other, doc];
    const json = packJsonSchema(keys, items, true)!;
    expect(json.$defs).toEqual({ item: outputJsonSchema(doc) });
    const props = (json.properties as any).items.properties;
    expect(props.j1).toEqual({ $ref: '#/$defs/item' });
    expect(props.j2).toEqual({ $ref: '#/$defs/item' });
    expect(props.j3).toEqual(outputJsonSchema(other));
    expect(props.j4).toEqual({ $ref: '#/$defs/item' });
    const shape = Object.fromEntries(keys.map((k, i) => [k, items[i]!]));
    expect(inlined(json)).toEqual(outputJsonSchema(z.strictObject({ items: z.strictObject(shape) })));
  });

  it("puts the call's escalate list beside items, once, and inlined it is the zod schema", () => {
    const keys = ['j1', 'j2', 'j3'];
    const escalate = packEscalateSchema(['j1', 'j3']);
    const json = packJsonSchema(keys, [doc, doc, other], true, escalate)!;
    expect(Object.keys(json.properties as object)).toEqual(['items', 'escalate']);
    expect(json.required).toEqual(['items', 'escalate']);
    expect((json.properties as any).escalate).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string', enum: ['j1', 'j3'] },
          reason: { type: 'string', enum: ['no', 'too-complex', 'needs-more-context', 'unclear-task'] },
        },
        required: ['key', 'reason'],
        additionalProperties: false,
      },
    });
    const shape = Object.fromEntries(keys.map((k, i) => [k, [doc, doc, other][i]!]));
    expect(inlined(json)).toEqual(outputJsonSchema(z.strictObject({ items: z.strictObject(shape), escalate })));
  });

  it('names each shared schema (item, item2) and is undefined when no two items share one', () => {
    const json = packJsonSchema(['j1', 'j2', 'j3', 'j4'], [doc, other, doc, other], true)!;
    expect(Object.keys(json.$defs as object)).toEqual(['item', 'item2']);
    expect(packJsonSchema(['j1', 'j2'], [doc, other], true)).toBeUndefined();
    expect(packJsonSchema(['j1'], [doc], true)).toBeUndefined();
  });

  it('is undefined when the provider does not resolve refs (schemaRefs), and keeps an item with refs of its own inline', () => {
    expect(packJsonSchema(['j1', 'j2'], [doc, doc], false)).toBeUndefined();
    // A schema the zod fallback converts (a check) with a definition of its own (an id): `$defs` and a `$ref`.
    const named = z.string().min(1).meta({ id: 'PackSchemaTestName' });
    const tree = z.strictObject({ first: named, second: named });
    expect(JSON.stringify(outputJsonSchema(tree))).toMatch(/"\$ref"/);
    // Two identical tree items stay inline (their own refs keep pointing where they did); the doc items are shared.
    const json = packJsonSchema(['j1', 'j2', 'j3', 'j4'], [tree, tree, doc, doc], true)!;
    const props = (json.properties as any).items.properties;
    expect(props.j1).toEqual(outputJsonSchema(tree));
    expect(props.j2).toEqual(outputJsonSchema(tree));
    expect(props.j3).toEqual({ $ref: '#/$defs/item' });
    expect(Object.keys(json.$defs as object)).toEqual(['item']);
    expect(packJsonSchema(['j1', 'j2'], [tree, tree], true)).toBeUndefined();
  });

  it("follows the worker provider's capability record: on for OpenAI, Azure, Anthropic and OpenRouter, off for other compatible servers, overridable", () => {
    const config = resolveConfig({
      providers: {
        az: { type: 'azure', baseURL: 'https://x.openai.azure.com/openai/v1/' },
        claude: { type: 'anthropic' },
        or: { type: 'openai-compatible', baseURL: 'https://openrouter.ai/api/v1' },
        local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' },
        vllm: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1', capabilities: { schemaRefs: true } },
      },
    });
    expect(schemaRefsFor('gpt-5.4-nano', config)).toBe(true);
    expect(schemaRefsFor('openai:gpt-5.4-nano', config)).toBe(true);
    expect(schemaRefsFor('az:my-nano', config)).toBe(true);
    expect(schemaRefsFor('claude:claude-haiku-4-5', config)).toBe(true);
    expect(schemaRefsFor('or:openai/gpt-5.4-nano', config)).toBe(true);
    expect(schemaRefsFor('local:qwen2.5:7b', config)).toBe(false);
    expect(schemaRefsFor('vllm:qwen', config)).toBe(true);
  });
});

describe('packEscalations', () => {
  it('reads the reasons by key: only offered keys, no "no", the first reason of a key; a bad list escalates nothing', () => {
    const keys = ['j1', 'j2', 'j3'];
    const answer = {
      items: {},
      escalate: [
        { key: 'j2', reason: 'too-complex' },
        { key: 'j1', reason: 'no' },
        { key: 'j2', reason: 'unclear-task' },
        { key: 'j4', reason: 'too-complex' },
        { key: 'j3', reason: 'maybe' },
        'j3',
        { key: 'j3', reason: 'needs-more-context', extra: 1 },
      ],
    };
    expect([...packEscalations(answer, keys)]).toEqual([['j2', 'too-complex']]);
    expect([...packEscalations(answer, ['j1', 'j3'])]).toEqual([]);
    expect(packEscalations({ items: {}, escalate: 'j1' }, keys).size).toBe(0);
    expect(packEscalations({ items: {} }, keys).size).toBe(0);
    expect(packEscalations(null, keys).size).toBe(0);
    expect(packEscalations({ escalate: [{ key: 'j1', reason: 'too-complex' }] }, []).size).toBe(0);
  });
});

/** The fake: one docstring step; every other answer made from the request's JSON schema alone; the verifier accepts. */
function handler(req: FakeRequest): FakeReply {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  if (props.steps) return { json: { steps: [docStep()], unsupported: null } };
  if (props.rejections) return { json: { rejections: [] } };
  return { json: schemaFaker(req.schema) as Record<string, unknown> };
}

describe('a packed call of items with one schema', () => {
  it("sends the item schema once (flat), the call's escalate list once, and the schema-made answers are applied", async () => {
    const same = [0, 1, 2].map((i) => `export function f${i}(x: number): number {\n  return x + ${i};\n}\n`).join('\n');
    const repo = makeRepo({ 'src/math.ts': same, 'agents.config.ts': 'export default { packing: { maxJobs: 4 } };\n' });
    const server = await startFakeOpenAI(handler);
    try {
      const task = 'add docstrings to src/math.ts';
      const { report } = await runEngine({ cwd: repo.dir, engine: 'openai', task, env: fakeModelEnv(server) });
      const packed = server.log.filter((e) => e.request.schema?.properties?.items);
      expect(packed).toHaveLength(1);
      const schema = packed[0]!.request.schema;
      expect(Object.values(schema.properties.items.properties)).toEqual([
        { $ref: '#/$defs/item' },
        { $ref: '#/$defs/item' },
        { $ref: '#/$defs/item' },
      ]);
      expect(Object.keys(schema.$defs.item.properties)).toEqual(['summary', 'x', 'returns']);
      expect(schema.properties.escalate.items.properties.key.enum).toEqual(['j1', 'j2', 'j3']);
      // The answer made from the schema alone lists one item with the first reason, 'no': nothing is escalated.
      expect(schemaFaker(schema)).toMatchObject({ escalate: [{ key: 'j1', reason: 'no' }] });
      expect(report.jobs).toEqual({ total: 3, succeeded: 3, failed: 0, skipped: 0 });
      expect(report.escalations).toBeUndefined();
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
