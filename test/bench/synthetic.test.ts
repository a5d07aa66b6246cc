// The benchmark's pure parts: the seeded repository generator and the ideal-wall-time simulation (no timing here).
import { describe, expect, it } from 'vitest';
import { countTokens, latencyHook, latencyMs } from '../fake/latency.js';
import { startFakeOpenAI } from '../fake/openai-server.js';
import { benchHandler, type ServedMeta } from './answers.js';
import { idealWallMs, listSchedule } from './simulate.js';
import { generateRepo, mulberry32 } from './synthetic.js';

describe('synthetic repository', () => {
  it('is the same for the same seed, different for another, and has exactly the requested exported functions', () => {
    const a = generateRepo({ seed: 7, functions: 123 });
    const b = generateRepo({ seed: 7, functions: 123 });
    expect(a).toEqual(b);
    expect(generateRepo({ seed: 8, functions: 123 }).files).not.toEqual(a.files);
    expect(a.exportedFunctions).toHaveLength(123);
    expect(a.sourceFiles).toBe(Math.ceil(123 / 8));

    const sources = Object.entries(a.files).filter(([f]) => f.endsWith('.ts'));
    expect(sources).toHaveLength(a.sourceFiles);
    const exported = sources.flatMap(([, text]) =>
      [...text.matchAll(/^export (?:async )?function (\w+)\(/gm)].map((m) => m[1]),
    );
    expect(exported).toHaveLength(123);
    // Undocumented, typed, with parameters; some interfaces and classes.
    const all = sources.map(([, text]) => text).join('\n');
    expect(all).not.toContain('/**');
    expect(all).toMatch(/^export interface \w+ \{/m);
    expect(all).toMatch(/^export function \w+\(\w+: [^)]+\): [^{]+\{/m);
  });

  it('honours an explicit file count', () => {
    const r = generateRepo({ seed: 1, functions: 50, files: 20 });
    expect(r.sourceFiles).toBe(20);
    expect(r.exportedFunctions).toHaveLength(50);
    expect(new Set(r.exportedFunctions).size).toBe(50);
  });

  it('mulberry32 is deterministic and in [0, 1)', () => {
    const x = mulberry32(42);
    const y = mulberry32(42);
    const xs = Array.from({ length: 100 }, () => x());
    expect(xs).toEqual(Array.from({ length: 100 }, () => y()));
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});

describe('ideal wall time', () => {
  it('list-schedules each phase at the concurrency and adds the phases in order', () => {
    // 2 slots: 3, 3, 2, 2 → slot A: 3 + 2, slot B: 3 + 2 → 5.
    expect(listSchedule([3, 3, 2, 2], 2)).toBe(5);
    // 2 slots: 4, 1, 1, 1 → A: 4; B: 1 + 1 + 1 = 3 → 4.
    expect(listSchedule([4, 1, 1, 1], 2)).toBe(4);
    expect(listSchedule([], 8)).toBe(0);
    // planner 1500; workers 2000, 2000, 1000 on 2 slots → 3000; verifier 1200, 1200 on 2 slots → 1200; 5700 in all.
    const calls = [
      { role: 'planner', latencyMs: 1500 },
      { role: 'worker', latencyMs: 2000 },
      { role: 'worker', latencyMs: 2000 },
      { role: 'worker', latencyMs: 1000 },
      { role: 'verifier', latencyMs: 1200 },
      { role: 'verifier', latencyMs: 1200 },
    ];
    expect(idealWallMs(calls, 2)).toBe(5700);
    // A second round (retries) is a phase of its own, after the verifier.
    expect(idealWallMs([...calls, { role: 'worker', latencyMs: 900 }, { role: 'verifier', latencyMs: 1100 }], 2)).toBe(
      7700,
    );
  });

  it('keeps calls overlapped when the engine sent them before the other role answered', () => {
    // c = 2. P 0–1000; W1, W2 1000–3000; V1 (sent after W1, W2 were answered) 3000–4000; W3 was sent while V1 was
    // still running, so it does not wait for V1: it takes the slot that frees at 3000 → 5000. As phases it would be 6000.
    const calls = [
      { role: 'planner', latencyMs: 1000, receivedMs: 0, sentMs: 1000 },
      { role: 'worker', latencyMs: 2000, receivedMs: 1000, sentMs: 3000 },
      { role: 'worker', latencyMs: 2000, receivedMs: 1000, sentMs: 3000 },
      { role: 'verifier', latencyMs: 1000, receivedMs: 3000, sentMs: 4000 },
      { role: 'worker', latencyMs: 2000, receivedMs: 3100, sentMs: 5100 },
    ];
    expect(idealWallMs(calls, 2)).toBe(5000);
    expect(
      idealWallMs(
        calls.map(({ role, latencyMs }) => ({ role, latencyMs })),
        2,
      ),
    ).toBe(6000);
  });
});

describe("countTokens (the fake server's usage)", () => {
  it('counts special-token text as plain text instead of throwing, as the API bills it', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    const text = 'const stop = "<|endoftext|>";';
    expect(countTokens(text)).toBeGreaterThan(countTokens('const stop = "";'));
  });
});

describe('benchmark model on the fake server', () => {
  it('answers a packed worker request from its schema, serves o200k usage and records the latency it applied', async () => {
    const meta = new Map<number, ServedMeta>();
    const model = { firstTokenMs: 3, tokensPerSecond: 100_000 };
    const server = await startFakeOpenAI(benchHandler(meta), { latency: latencyHook(model) });
    try {
      const doc = (params: string[]) => ({
        type: 'object',
        properties: {
          summary: { type: 'string' },
          params: {
            type: 'object',
            properties: Object.fromEntries(params.map((p) => [p, { type: 'string' }])),
            required: params,
          },
          returns: { type: 'string' },
        },
      });
      const instructions = 'You write a TSDoc comment for one TypeScript declaration.';
      const input = '## item1\nDeclaration: function `getUserById`\n\n## item2\nDeclaration: function `sumTotals`';
      const schema = {
        type: 'object',
        properties: {
          items: { type: 'object', properties: { item1: doc(['userId']), item2: doc(['values', 'limit']) } },
        },
      };
      const res = await fetch(`${server.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-5.4-nano',
          instructions,
          input: [{ role: 'user', content: input }],
          text: { format: { type: 'json_schema', name: 'output', schema } },
        }),
      });
      const body = (await res.json()) as any;
      const text = body.output[0].content[0].text as string;
      const out = JSON.parse(text);
      expect(out.items.item1.summary).toMatch(/^Gets the user by id /);
      expect(out.items.item1.summary.split(' ').length).toBeGreaterThanOrEqual(15);
      expect(Object.keys(out.items.item1.params)).toEqual(['userId']);
      expect(Object.keys(out.items.item2.params)).toEqual(['values', 'limit']);
      // Billed: the schema as sent and 4 tokens for each of the two messages, 3 to prime the reply.
      const schemaTokens = countTokens(JSON.stringify(schema));
      expect(body.usage.input_tokens).toBe(countTokens(instructions) + countTokens(input) + schemaTokens + 2 * 4 + 3);
      expect(body.usage.output_tokens).toBe(countTokens(text));
      expect(meta.get(0)).toMatchObject({ role: 'worker', items: 2, instructionTokens: countTokens(instructions) });
      const timing = server.log[0]!.timing!;
      expect(timing.latencyMs).toBeCloseTo(latencyMs(model, body.usage.output_tokens), 9);
      expect(timing.sentMs).toBeGreaterThanOrEqual(timing.receivedMs);
    } finally {
      await server.close();
    }
  });
});
