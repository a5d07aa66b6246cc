import { describe, expect, it } from 'vitest';
import type { PlanStep } from '@orchestrate/core';
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

  it('builds a worker schema whose params keys are exactly the parameter names, returns only when not void', () => {
    const schema = docstringKind.outputSchema(targetFor('UserStore.getUserById'), ctxOf([]));
    expect(
      schema.safeParse({ summary: 's', params: { id: 'a', includeDeleted: 'b' }, returns: 'r', throws: 't' }).success,
    ).toBe(true);
    expect(schema.safeParse({ summary: 's', params: { id: 'a' }, returns: 'r', throws: 't' }).success).toBe(false);
    expect(
      schema.safeParse({
        summary: 's',
        params: { id: 'a', includeDeleted: 'b', other: 'c' },
        returns: 'r',
        throws: 't',
      }).success,
    ).toBe(false);
    const voidSchema = docstringKind.outputSchema(targetFor('saveAll'), ctxOf([]));
    expect(voidSchema.safeParse({ summary: 's', params: { users: 'u' } }).success).toBe(true);
    expect(voidSchema.safeParse({ summary: 's', params: { users: 'u' }, returns: 'x' }).success).toBe(false);
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
      params: { id: 'The id.', includeDeleted: 'Include deleted.' },
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
    expect(() => edit(t, { params: { role: 'r' }, returns: 'x', ...output })).toThrow(JobRejected);
  });

  it('neutralises a parameter description that tries to close the comment', () => {
    const t = targetFor('isAdmin');
    expect(() => edit(t, { summary: 'ok', params: { role: '*/ x() /*' }, returns: 'r' })).toThrow(JobRejected);
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
    const after = applyEdits(src, edit(t!, { summary: 'New.', params: { a: 'A.' }, returns: 'A.' }).edits).text;
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
