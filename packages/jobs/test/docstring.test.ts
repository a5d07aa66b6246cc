import { describe, expect, it } from 'vitest';
import type { PlanStep } from '@orchestrate/core';
import { toJSONSchema, type z } from 'zod';
import { applyEdits, indexFiles, proveCommentOnly } from '@orchestrate/repo';
import { docstringKind, JobRejected, offlineDocContent, words, type JobOutcome, kindContextFor } from '../src/index.js';

const SOURCE = `export class UserStore {
  getUserById(id: string, includeDeleted?: boolean): User | undefined {
    if (!id) throw new TypeError('id is required');
    return undefined;
  }
}

export function isAdmin(role: string): boolean {
  return role === 'admin';
}

export async function saveAll(...users: User[]): Promise<void> {
  await Promise.resolve(users);
}
`;

const step: PlanStep = {
  id: 'step-1',
  kind: 'docstring',
  variant: null,
  selector: {
    paths: [],
    declarationKinds: [],
    names: [],
    exportedOnly: false,
    missingDocsOnly: true,
    changedSince: null,
  },
  instructions: '',
};

/** The JSON schema a call sends for a zod schema (without zod's `$schema` key). */
function outputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...json } = toJSONSchema(schema) as Record<string, unknown>;
  return json;
}

const ctxOf = (files: ReturnType<typeof indexFiles>) => kindContextFor(files);

function targets(source = SOURCE) {
  return docstringKind.select(step, ctxOf(indexFiles([{ path: 'src/users.ts', text: source }])));
}

type Output = Parameters<typeof docstringKind.apply>[1];
const edit = (t: ReturnType<typeof targets>[number], output: Output) =>
  docstringKind.apply(t, output, ctxOf([])) as JobOutcome;
const offline = (t: ReturnType<typeof targets>[number]) => docstringKind.offline(t, ctxOf([])) as Output;

function targetFor(symbol: string, source = SOURCE) {
  const t = targets(source).find((x) => x.declaration!.symbol === symbol);
  if (!t) throw new Error(`no target ${symbol}`);
  return t;
}

describe('docstring kind', () => {
  it('selects every undocumented declaration, one job each', () => {
    expect(targets().map((t) => t.job.symbol)).toEqual(['UserStore', 'UserStore.getUserById', 'isAdmin', 'saveAll']);
  });

  it('builds a flat worker schema: summary, one field per parameter named by it, returns only when not void', () => {
    const schema = docstringKind.outputSchema(targetFor('UserStore.getUserById'), ctxOf([]));
    expect(schema.safeParse({ summary: 's', id: 'a', includeDeleted: 'b', returns: 'r', throws: 't' }).success).toBe(
      true,
    );
    expect(schema.safeParse({ summary: 's', id: 'a', returns: 'r', throws: 't' }).success).toBe(false);
    expect(
      schema.safeParse({ summary: 's', id: 'a', includeDeleted: 'b', other: 'c', returns: 'r', throws: 't' }).success,
    ).toBe(false);
    expect(
      schema.safeParse({ summary: 's', params: { id: 'a', includeDeleted: 'b' }, returns: 'r', throws: 't' }).success,
    ).toBe(false);
    const voidSchema = docstringKind.outputSchema(targetFor('saveAll'), ctxOf([]));
    expect(voidSchema.safeParse({ summary: 's', users: 'u' }).success).toBe(true);
    expect(voidSchema.safeParse({ summary: 's', users: 'u', returns: 'x' }).success).toBe(false);
  });

  it('sends the flat schema as JSON in field order, with no params object', () => {
    const str = { type: 'string' };
    expect(outputJsonSchema(docstringKind.outputSchema(targetFor('UserStore.getUserById'), ctxOf([])))).toEqual({
      type: 'object',
      properties: { summary: str, id: str, includeDeleted: str, returns: str, throws: str },
      required: ['summary', 'id', 'includeDeleted', 'returns', 'throws'],
      additionalProperties: false,
    });
  });

  it.each(['summary', 'returns', 'throws', 'params', 'escalate'])(
    'keeps the parameters under params when one is named %s, and renders from that answer',
    (name) => {
      const src = `export function pick(${name}: string, other: number): string {\n  return ${name} + other;\n}\n`;
      const t = targetFor('pick', src);
      const str = { type: 'string' };
      const params = {
        type: 'object',
        properties: { [name]: str, other: str },
        required: [name, 'other'],
        additionalProperties: false,
      };
      expect(outputJsonSchema(docstringKind.outputSchema(t, ctxOf([])))).toEqual({
        type: 'object',
        properties: { summary: str, params, returns: str },
        required: ['summary', 'params', 'returns'],
        additionalProperties: false,
      });
      const out = edit(t, {
        summary: 'Picks.',
        params: { [name]: 'The first.', other: 'The second.' },
        returns: 'It.',
      });
      const after = applyEdits(src, out.edits).text;
      expect(after).toContain(`@param ${name} - The first.\n * @param other - The second.\n * @returns It.`);
      const output = offline(t);
      expect(output).toHaveProperty(['params', name]);
      expect(docstringKind.outputSchema(t, ctxOf([])).safeParse(output).success).toBe(true);
    },
  );

  it('a flat answer with a parameter named like a prototype key reads only its own fields', () => {
    const src = 'export function f(constructor: string): void {\n  void constructor;\n}\n';
    const t = targetFor('f', src);
    const after = applyEdits(src, edit(t, { summary: 'Runs.' } as never).edits).text;
    expect(after).toContain('@param constructor - The constructor.');
  });

  it('the context pack names the declaration only when its first code line does not (members, classes)', () => {
    const declLine = (symbol: string) =>
      docstringKind
        .contextPack(targetFor(symbol), ctxOf([]))
        .split('\n')
        .find((l) => l.startsWith('Declaration:'));
    expect(declLine('isAdmin')).toBeUndefined();
    expect(declLine('saveAll')).toBeUndefined();
    expect(declLine('UserStore.getUserById')).toBe('Declaration: method `UserStore.getUserById` (exported)');
    expect(declLine('UserStore')).toBe('Declaration: class `UserStore` (exported)');
    const local = 'function helper(a: number): number {\n  return a;\n}\nexport { helper };\n';
    const pack = docstringKind.contextPack(targetFor('helper', local), ctxOf([]));
    expect(pack).toContain('Declaration: function `helper` (exported)');
    const inner = 'function inner(a: number): number {\n  return a;\n}\n';
    expect(docstringKind.contextPack(targetFor('inner', inner), ctxOf([]))).not.toContain('Declaration:');
  });

  it('the context pack holds the target declaration and not the rest of the file', () => {
    const pack = docstringKind.contextPack(targetFor('isAdmin'), ctxOf([]));
    expect(pack).toContain("return role === 'admin'");
    expect(pack).not.toContain('getUserById');
    expect(pack).not.toContain('saveAll');
  });

  it('renders TSDoc with @param per parameter, @returns and @throws, indented like the member', () => {
    const t = targetFor('UserStore.getUserById');
    const out = edit(t, {
      summary: 'Looks a user up.',
      id: 'The id.',
      includeDeleted: 'Include deleted.',
      returns: 'The user.',
      throws: 'If id is empty.',
    });
    const after = applyEdits(SOURCE, out.edits).text;
    expect(after).toContain(
      '  /**\n   * Looks a user up.\n   *\n   * @param id - The id.\n   * @param includeDeleted - Include deleted.\n   * @returns The user.\n   * @throws If id is empty.\n   */\n  getUserById(',
    );
    expect(docstringKind.gate(t, SOURCE, after)).toEqual({ ok: true });
  });

  it.each([
    ['comment terminator', { summary: 'Nice. */ evil(); /*' }],
    ['control characters', { summary: 'bell\u0007' }],
    ['bidi override', { summary: 'abc\u202Edef' }],
    ['megabytes of text', { summary: 'x'.repeat(3_000_000) }],
    ['empty summary', { summary: '   ' }],
  ])('refuses hostile output before writing: %s', (_name, output) => {
    const t = targetFor('isAdmin');
    expect(() => edit(t, { role: 'r', returns: 'x', ...output })).toThrow(JobRejected);
  });

  it('neutralises a parameter description that tries to close the comment', () => {
    const t = targetFor('isAdmin');
    expect(() => edit(t, { summary: 'ok', role: '*/ x() /*', returns: 'r' })).toThrow(JobRejected);
  });

  it('offline output passes its own schema, gate and comment-only proof for every target', () => {
    for (const t of targets()) {
      const output = offline(t);
      expect(docstringKind.outputSchema(t, ctxOf([])).safeParse(output).success).toBe(true);
      const after = applyEdits(SOURCE, edit(t, output).edits).text;
      expect(proveCommentOnly('src/users.ts', SOURCE, after).ok).toBe(true);
    }
  });

  it('offline templates read from names', () => {
    const t = targetFor('UserStore.getUserById');
    const doc = offlineDocContent(t.declaration!);
    expect(doc.summary).toBe('Gets the user by id.');
    expect(doc.params).toEqual({ id: 'The id.', includeDeleted: 'The include deleted (optional).' });
    expect(doc.throws).toContain('TypeError');
    expect(offlineDocContent(targetFor('isAdmin').declaration!).summary).toBe('Checks whether the role is admin.');
    expect(offlineDocContent(targetFor('saveAll').declaration!).returns).toBeNull();
    expect(words('HTTPServerError')).toEqual(['HTTP', 'server', 'error']);
    expect(words('parse_json_file')).toEqual(['parse', 'json', 'file']);
  });

  it('rewrites an existing doc only when the step asks, replacing it in place', () => {
    const src = '/** Old. */\nexport function f(a: number): number {\n  return a;\n}\n';
    const ctx = ctxOf(indexFiles([{ path: 'a.ts', text: src }]));
    expect(docstringKind.select(step, ctx)).toHaveLength(0);
    const rewrite = { ...step, selector: { ...step.selector, missingDocsOnly: false } };
    const [t] = docstringKind.select(rewrite, ctx);
    const after = applyEdits(src, edit(t!, { summary: 'New.', a: 'A.', returns: 'A.' }).edits).text;
    expect(after).not.toContain('Old.');
    expect(after.match(/\/\*\*/g)).toHaveLength(1);
    expect(after).toContain('New.');
  });

  it('the context pack adds the signatures, not the bodies, of same-file declarations it refers to', () => {
    const src = `export interface Point {\n  x: number;\n}\nexport function norm(p: Point): number {\n  return helper(p);\n}\nfunction helper(p: Point): number {\n  return Math.abs(p.x) + 12345;\n}\nexport function other(): void {}\n`;
    const files = indexFiles([{ path: 'src/p.ts', text: src }]);
    const t = docstringKind.select(step, ctxOf(files)).find((x) => x.job.symbol === 'norm')!;
    const pack = docstringKind.contextPack(t, ctxOf(files));
    expect(pack).toContain('export interface Point');
    expect(pack).toContain('function helper(p: Point): number');
    expect(pack).not.toContain('12345');
    expect(pack).not.toContain('other');
  });
});
