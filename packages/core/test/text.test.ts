import { describe, expect, it } from 'vitest';
import { safeText } from '../src/index.js';

describe('safeText', () => {
  it('escapes C0, DEL, C1, ESC sequences and bidi controls visibly', () => {
    const hostile = 'a\u0000b\u001b[2Jc\u0007d\u202ee\u007ff\u009bg\u2066h\u200fi\u061cj\rk';
    expect(safeText(hostile)).toBe(
      'a\\u0000b\\u001b[2Jc\\u0007d\\u202ee\\u007ff\\u009bg\\u2066h\\u200fi\\u061cj\\u000dk',
    );
  });

  it('keeps tabs; keeps newlines only for multiline text', () => {
    expect(safeText('a\tb\nc')).toBe('a\tb\\u000ac');
    expect(safeText('a\tb\nc\u001b', { multiline: true })).toBe('a\tb\nc\\u001b');
  });

  it('leaves ordinary text, including non-Latin letters and emoji, as it is', () => {
    const text = 'add docstrings to src/ — über 名前 🎉 "quoted" \\ back';
    expect(safeText(text)).toBe(text);
  });
});
