import { describe, expect, it } from 'vitest';
import { parseReviewRange } from '../../src/index.js';

describe('parseReviewRange', () => {
  it('reads <base>..<head>, <base>...<head>, <base>.., <base> and nothing', () => {
    expect(parseReviewRange(undefined)).toEqual({ base: null, head: null });
    expect(parseReviewRange('main..feature')).toEqual({ base: 'main', head: 'feature' });
    expect(parseReviewRange('main...feature')).toEqual({ base: 'main', head: 'feature' });
    expect(parseReviewRange('HEAD~3..')).toEqual({ base: 'HEAD~3', head: null });
    expect(parseReviewRange('HEAD~3')).toEqual({ base: 'HEAD~3', head: null });
    expect(parseReviewRange('origin/main..HEAD^')).toEqual({ base: 'origin/main', head: 'HEAD^' });
    expect(parseReviewRange('v1.2.0..v1.3.0')).toEqual({ base: 'v1.2.0', head: 'v1.3.0' });
  });

  const malformed = ['', '  ', '..HEAD', '..', 'a..b..c', 'a....b', '--output=x', 'main..-p', 'ma in', 'a\u001bb'];
  it.each(malformed.map((r) => [r]))('refuses %j as E_USAGE', (range) => {
    expect(() => parseReviewRange(range)).toThrow(expect.objectContaining({ code: 'E_USAGE', processExitCode: 2 }));
  });
});
