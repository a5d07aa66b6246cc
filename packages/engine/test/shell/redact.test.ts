import { describe, expect, it } from 'vitest';
import { redactPosted, REDACTED } from '../../src/index.js';

// Credential-shaped fixtures are assembled at run time so the repository never holds one literally.
const join = (...parts: string[]) => parts.join('');
const FAKE = {
  github: join('ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  ghs: join('ghs', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7RB'),
  openai: join('sk', '-proj-', 'Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz'),
  aws: join('AKIA', 'Q3V7EXAMPLEZ2Y4W'),
};

describe('redactPosted', () => {
  it('replaces every known credential format with [redacted]', () => {
    for (const value of Object.values(FAKE)) {
      const out = redactPosted(`The model said: use ${value} here.`);
      expect(out).toBe(`The model said: use ${REDACTED} here.`);
    }
    expect(redactPosted(`const apiKey = "Zq8Xv2LmP4tR9wYk3Hs7Nd1B";`)).toBe(`const apiKey = "${REDACTED}";`);
  });

  it('replaces known values, their base64 and the git Basic header that carries a token', () => {
    const token = 'tok_0123456789abcdefXYZ';
    const key = 'plain-key-value-42';
    const header = Buffer.from(`x-access-token:${token}`).toString('base64');
    const text = `a ${token} b ${key} c ${Buffer.from(key).toString('base64')} d AUTHORIZATION: basic ${header}`;
    const out = redactPosted(text, [token, key]);
    expect(out).not.toContain(token);
    expect(out).not.toContain(key);
    expect(out).not.toContain(header);
    expect(out.split(REDACTED)).toHaveLength(5);
    // A value that holds another is replaced whole, not left with a tail.
    expect(redactPosted(`x ${key}-extra y`, [key, `${key}-extra`])).toBe(`x ${REDACTED} y`);
  });

  it('does not redact short known values, SHAs, run ids, URLs or ordinary code', () => {
    const sha = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b';
    const text = [
      `reviewed ${sha.slice(0, 7)}..${sha} (3 files)`,
      `<!-- orchestrate:summary {"v":1,"kind":"review","reviewed":"${sha}","run":"20261204-201823-ab12"} -->`,
      'https://github.com/acme/widgets/actions/runs/123456789/job/987654321',
      'if (a == b) return tokenUrl;',
      'partialFingerprints orchestrateFinding/v1 0123456789abcdef0123456789abcdef',
    ].join('\n');
    expect(redactPosted(text, ['abc', ''])).toBe(text);
    expect(redactPosted('abc and abc', ['abc'])).toBe('abc and abc');
  });
});
