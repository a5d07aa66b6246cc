import { describe, expect, it } from 'vitest';
import type { ReviewFinding } from '@orchestrate/core';
import { emitAnnotations } from '../src/annotations.js';
import type { Toolkit } from '../src/types.js';

type Annotation = { level: string; message: string; at?: { file: string; startLine: number; endLine?: number } };

/** A toolkit that records annotations (the rest is unused here). */
function recorder(): { kit: Toolkit; annotations: Annotation[] } {
  const annotations: Annotation[] = [];
  const unused = () => {
    throw new Error('not used by emitAnnotations');
  };
  const kit: Toolkit = {
    input: unused,
    setOutput: unused,
    setSecret: unused,
    info: unused,
    annotate: (level, message, at) => void annotations.push(at ? { level, message, at } : { level, message }),
    writeStepSummary: unused,
    setFailed: unused,
  };
  return { kit, annotations };
}

const finding = (i: number, over: Partial<ReviewFinding> = {}): ReviewFinding => ({
  file: 'src/a.ts',
  line: i + 1,
  endLine: i + 1,
  severity: 'error',
  ruleId: 'no-secret-literal',
  message: `finding ${i}`,
  source: 'rule',
  fingerprint: String(i).padStart(32, '0'),
  code: [],
  ...over,
});

describe('emitAnnotations', () => {
  it('emits at most 10 per level: 11 errors → 10 emitted, 1 dropped', () => {
    const { kit, annotations } = recorder();
    const errors = Array.from({ length: 11 }, (_, i) => finding(i));
    expect(emitAnnotations(kit, errors)).toEqual({ emitted: 10, dropped: 1 });
    expect(annotations).toHaveLength(10);
    expect(annotations[0]).toEqual({
      level: 'error',
      message: 'no-secret-literal: finding 0',
      at: { file: 'src/a.ts', startLine: 1, endLine: 1 },
    });
    expect(annotations.map((a) => a.message)).not.toContain('no-secret-literal: finding 10');
  });

  it('leaves one warning for the run’s problems: 10 warnings → 9 emitted', () => {
    const { kit, annotations } = recorder();
    const warnings = Array.from({ length: 10 }, (_, i) => finding(i, { severity: 'warning' }));
    expect(emitAnnotations(kit, warnings)).toEqual({ emitted: 9, dropped: 1 });
    expect(annotations.filter((a) => a.level === 'warning')).toHaveLength(9);
  });

  it('counts each level on its own (note → notice), with a caller’s cap', () => {
    const { kit, annotations } = recorder();
    const list = [
      ...Array.from({ length: 4 }, (_, i) => finding(i, { severity: 'warning' })),
      ...Array.from({ length: 3 }, (_, i) => finding(i, { severity: 'note', line: 5, endLine: 7 })),
      finding(9),
    ];
    expect(emitAnnotations(kit, list, 2)).toEqual({ emitted: 5, dropped: 3 });
    expect(annotations.map((a) => a.level)).toEqual(['warning', 'warning', 'notice', 'notice', 'error']);
    expect(annotations[2]!.at).toEqual({ file: 'src/a.ts', startLine: 5, endLine: 7 });
  });

  it('writes one redacted, escaped line; a path the log cannot show goes without a location', () => {
    const { kit, annotations } = recorder();
    const secret = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');
    emitAnnotations(
      kit,
      [
        finding(0, { message: `line one\n::error::forged\u202e ${secret} tok-known-12345678`, file: 'src/a\nb.ts' }),
        finding(1, { message: 'x'.repeat(5_000) }),
      ],
      10,
      ['tok-known-12345678'],
    );
    expect(annotations[0]).toEqual({
      level: 'error',
      message: 'no-secret-literal: line one ::error::forged\\u202e [redacted] [redacted]',
    });
    expect(annotations[1]!.message.length).toBeLessThanOrEqual(1_000);
  });
});
