import { describe, expect, it } from 'vitest';
import { indexFiles } from '@orchestrate/repo';
import { repoSummary } from '../src/repo-summary.js';
import { estimateTokens } from '../src/tokens.js';

describe('repoSummary', () => {
  it('names directories, counts and exported names for a small repository', () => {
    const files = indexFiles([
      { path: 'src/parser/lex.ts', text: 'export function lex(s: string): string[] {\n  return [s];\n}\n' },
      { path: 'src/util.ts', text: '/** Doc. */\nexport const x = 1;\nexport interface Opt {\n  a: number;\n}\n' },
    ]);
    const summary = repoSummary(files);
    expect(summary).toContain('src/parser/');
    expect(summary).toContain('src/parser/lex.ts: lex');
    expect(summary).toContain('src/util.ts: Opt');
    expect(summary).not.toContain('return [s]'); // never the code
  });

  it('stays bounded in tokens for a large repository', () => {
    const files = indexFiles(
      Array.from({ length: 2_000 }, (_, i) => ({
        path: `pkg${i % 97}/src/dir${i % 13}/file${i}.ts`,
        text: `export function f${i}(a: number): number {\n  return a;\n}\n`,
      })),
    );
    const summary = repoSummary(files);
    expect(estimateTokens(summary)).toBeLessThan(1_500);
    expect(summary).toContain('2000 TypeScript files');
    expect(summary).toMatch(/more directories/);
  });
});
