import { describe, expect, it } from 'vitest';
import { indexFiles } from '@orchestrate/repo';
import { declaredNames } from '../src/declared-names.js';

const FILES = indexFiles([
  { path: 'src/a.ts', text: 'export function add(a: number, b: number) {\n  return a + b;\n}\n' },
  { path: 'src/b.ts', text: 'export class Store {\n  get(id: string): string {\n    return id;\n  }\n}\n' },
]);

describe('declaredNames', () => {
  it('knows symbols and members by their own name, nothing else', () => {
    const declares = declaredNames(FILES);
    expect(declares('add')).toBe(true);
    expect(declares('Store')).toBe(true);
    expect(declares('Store.get')).toBe(true);
    expect(declares('get')).toBe(true);
    expect(declares('Store.set')).toBe(false);
    expect(declares('missing')).toBe(false);
  });

  it('reads no declaration until it is asked', () => {
    let reads = 0;
    const files = [
      {
        get declarations() {
          reads++;
          return FILES[0]!.declarations;
        },
      },
    ] as unknown as typeof FILES;
    const declares = declaredNames(files);
    expect(reads).toBe(0);
    expect(declares('add')).toBe(true);
    expect(declares('add')).toBe(true);
    expect(reads).toBe(1);
  });
});
