import { describe, expect, it } from 'vitest';
import { outputJsonSchema } from '../src/json-schema.js';
import { MAX_REASON_CHARS, verdictOf, verifierInput, verifierSchema, type VerifierItem } from '../src/verifier.js';

const keys = ['j1', 'j2', 'j3'];

describe('verifierSchema', () => {
  it('is a boolean per key and a list of rejections naming a key of the batch', () => {
    expect(outputJsonSchema(verifierSchema(keys))).toEqual({
      type: 'object',
      properties: {
        verdicts: {
          type: 'object',
          properties: { j1: { type: 'boolean' }, j2: { type: 'boolean' }, j3: { type: 'boolean' } },
          required: keys,
          additionalProperties: false,
        },
        rejections: {
          type: 'array',
          items: {
            type: 'object',
            properties: { key: { type: 'string', enum: keys }, reason: { type: 'string' } },
            required: ['key', 'reason'],
            additionalProperties: false,
          },
        },
      },
      required: ['verdicts', 'rejections'],
      additionalProperties: false,
    });
  });

  it('refuses a rejection of a key the batch does not have', () => {
    const answer = { verdicts: { j1: true, j2: true, j3: true }, rejections: [{ key: 'j9', reason: 'x' }] };
    expect(verifierSchema(keys).safeParse(answer).success).toBe(false);
  });
});

describe('verdictOf', () => {
  const answer = verifierSchema(keys).parse({
    verdicts: { j1: true, j2: false, j3: true },
    rejections: [
      { key: 'j3', reason: '  ' },
      { key: 'j3', reason: 'the summary is wrong' },
    ],
  });

  it('accepts only an explicit true with no rejection listed', () => {
    expect(verdictOf(answer, 'j1')).toEqual({ accept: true, reason: '' });
  });

  it('rejects false without a listed reason as "no reason given"', () => {
    expect(verdictOf(answer, 'j2')).toEqual({ accept: false, reason: 'no reason given' });
  });

  it('rejects a listed key whatever its boolean says, with its first non-empty reason', () => {
    expect(verdictOf(answer, 'j3')).toEqual({ accept: false, reason: 'the summary is wrong' });
  });

  it('gives no verdict for a key the answer does not have, and caps a long reason', () => {
    expect(verdictOf({ verdicts: {}, rejections: [] }, 'j1')).toBeUndefined();
    const long = verdictOf({ verdicts: {}, rejections: [{ key: 'j1', reason: 'x'.repeat(900) }] }, 'j1');
    expect(long).toEqual({ accept: false, reason: 'x'.repeat(MAX_REASON_CHARS) });
  });
});

describe('verifierInput', () => {
  const code = (text: string) => ['```ts', text, '```'].join('\n');
  const item = (key: string, instructions: string, file: string, result: string): VerifierItem => ({
    key,
    instructions,
    file,
    result,
  });

  it('states each instruction once for its range and each file once, code items in one fence per file', () => {
    const input = verifierInput([
      item('j1', 'Document it.', 'src/a.ts', code('/** A. */\nexport function a(): void')),
      item('j2', 'Document it.', 'src/a.ts', code('/** B. */\nexport function b(): void')),
      item('j3', 'Document it.', 'src/b.ts', code('/** C. */\nexport function c(): void')),
      item('j4', 'Add types.', 'src/b.ts', 'c: number'),
    ]);
    expect(input).toBe(
      [
        'Task for j1–j3: Document it.',
        '### src/a.ts',
        '```ts',
        '// j1',
        '/** A. */\nexport function a(): void',
        '// j2',
        '/** B. */\nexport function b(): void',
        '```',
        '### src/b.ts',
        '```ts',
        '// j3',
        '/** C. */\nexport function c(): void',
        '```',
        'Task for j4: Add types.',
        '### src/b.ts',
        '## j4',
        'c: number',
      ].join('\n'),
    );
  });

  it('keeps a result with its own fences or prose under its key line', () => {
    const prose = 'Before:\n```ts\nx\n```\nAfter:\n```ts\ny\n```';
    const input = verifierInput([
      item('j1', 'Apply.', 'src/a.ts', prose),
      item('j2', 'Apply.', 'src/a.ts', code('const a = 1;')),
    ]);
    expect(input).toBe(`Task for j1–j2: Apply.\n### src/a.ts\n## j1\n${prose}\n\`\`\`ts\n// j2\nconst a = 1;\n\`\`\``);
  });
});
