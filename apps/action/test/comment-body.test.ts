import { describe, expect, it } from 'vitest';
import type { ReviewFinding } from '@orchestrate/core';
import {
  COMMENT_BODY_LIMIT,
  commentBody,
  formatFindingMarker,
  parseFindingMarker,
  type FindingMarker,
} from '../src/comment-body.js';

const FP = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function finding(extra: Partial<ReviewFinding> = {}): ReviewFinding {
  return {
    file: 'src/a.ts',
    line: 3,
    endLine: 4,
    severity: 'warning',
    ruleId: 'eqeqeq',
    message: 'Use `===` instead of `==`.',
    source: 'rule',
    fingerprint: FP,
    code: ['if (a == b) {', '  go();'],
    ...extra,
  };
}
const range = { ok: true, line: 4, startLine: 3, suggestion: true } as const;
const single = { ok: true, line: 3, suggestion: false } as const;
/** The body without its marker line: what renders. */
const visible = (body: string) => body.split('\n').slice(0, -1).join('\n').trimEnd();

describe('commentBody', () => {
  it('writes severity, rule, message, a suggestion block and the marker on the last line', () => {
    const body = commentBody(finding({ fix: { replacement: 'if (a === b) {\n  go();\n' } }), range, []);
    expect(body).toBe(
      [
        '**warning** `eqeqeq`: Use `===` instead of `==`.',
        '',
        '```suggestion',
        'if (a === b) {',
        '  go();',
        '```',
        '',
        `<!-- orchestrate:finding {"v":1,"fp":"${FP}","sev":"warning","rule":"eqeqeq"} -->`,
      ].join('\n'),
    );
    expect(parseFindingMarker(body)).toEqual({ v: 1, fp: FP, sev: 'warning', rule: 'eqeqeq' });
  });

  it('makes the suggestion fence longer than any backtick run inside, so the fix cannot close it', () => {
    const replacement = 'const s = `a`;\n```\n<!-- x -->\n````js';
    const body = commentBody(finding({ fix: { replacement } }), range, []);
    expect(body).toContain(`\`\`\`\`\`suggestion\n${replacement}\n\`\`\`\`\``);
    expect(parseFindingMarker(body)?.fp).toBe(FP);
  });

  it('offers an empty replacement (delete the lines) and no block when the placement does not allow one', () => {
    expect(commentBody(finding({ fix: { replacement: '' } }), range, [])).toContain('```suggestion\n```');
    const body = commentBody(finding({ fix: { replacement: 'x' } }), single, []);
    expect(body).not.toContain('suggestion');
    // The comment sits on line 3 only: it names the finding's own lines.
    expect(body.startsWith('**warning** `eqeqeq` (lines 3–4): ')).toBe(true);
  });

  it('keeps a prose suggestion as escaped text beside the fix', () => {
    const body = commentBody(finding({ suggestion: 'Compare with <b>===</b>', fix: { replacement: 'y' } }), range, []);
    expect(body).toContain('**Suggestion:** Compare with &lt;b&gt;===&lt;/b&gt;');
    expect(body).toContain('```suggestion\ny\n```');
  });

  it('neutralises HTML, comment ends, mentions, links, images and line breaks in the message', () => {
    const message =
      'Evil --> <!-- hide --> <img src=x onerror=alert(1)> @octocat @org/team [link](https://x.y) ![i](https://x.y/i.png)\n\n# Heading\n<details>';
    const shown = visible(commentBody(finding({ message }), range, []));
    expect(shown).not.toMatch(/[<>]/);
    // No @ directly before a name: GitHub would read it as a mention.
    expect(shown).not.toMatch(/@\w/);
    expect(shown).toContain('@&#8203;octocat');
    expect(shown).toContain('\\[link\\](https:&#8203;//x.y)');
    expect(shown).toContain('\\!\\[i\\]');
    expect(shown).toContain('--&gt; &lt;\\!-- hide --&gt;');
    expect(shown.split('\n')).toHaveLength(1);
    expect(shown).toContain(' \\# Heading ');
  });

  it('keeps real code spans as written, and escapes a backtick run CommonMark would not close', () => {
    expect(commentBody(finding({ message: 'use `a<b>` and ``x ` y``' }), single, [])).toContain(
      ': use `a<b>` and ``x ` y``',
    );
    // `<b>` after an unclosed single backtick would be raw HTML if the backtick were taken for a code span.
    const shown = visible(commentBody(finding({ message: '`<b>`` @here' }), single, []));
    expect(shown).toContain(': \\`&lt;b&gt;\\`\\` @&#8203;here');
  });

  it('shows control and bidi characters as escapes', () => {
    const shown = visible(commentBody(finding({ message: 'a\u202eb\u0007c' }), single, []));
    expect(shown).toContain('a\\\\u202eb\\\\u0007c');
    expect(shown).not.toMatch(/[\u202e\u0007]/);
  });

  it('redacts known values and secret shapes from every part, and drops a fix that holds one', () => {
    const key = 'sk-test-KNOWNVALUE-0123456789';
    const token = `ghp_${'A1b2'.repeat(9)}`;
    const body = commentBody(
      finding({
        message: `leaked ${key} and ${token}`,
        suggestion: `rotate ${key}`,
        ruleId: `rule-${key}`,
        fix: { replacement: `const t = '${token}';` },
      }),
      range,
      [key],
    );
    expect(body).not.toContain(key);
    expect(body).not.toContain(token);
    expect(body).not.toContain('suggestion\n');
    expect(body).toContain('leaked \\[redacted\\] and \\[redacted\\]');
    expect(commentBody(finding({ fix: { replacement: `k = '${key}'` } }), range, [key])).not.toContain('```');
  });

  it('drops a fix that holds control or bidi characters (the finding stays)', () => {
    const body = commentBody(finding({ fix: { replacement: 'ok\u202e' } }), range, []);
    expect(body).not.toContain('```');
    expect(body).toContain('Use `===`');
  });

  it('stays within the limit: the fix goes first, then the prose, then the message is cut', () => {
    const big = 'x'.repeat(5_000);
    const withFix = commentBody(finding({ suggestion: big, fix: { replacement: big } }), range, []);
    expect(withFix.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(withFix).not.toContain('```suggestion');
    expect(withFix).toContain('**Suggestion:**');
    const long = commentBody(finding({ message: '<'.repeat(20_000), suggestion: big }), range, []);
    expect(long.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(long).toContain('…');
    expect(parseFindingMarker(long)?.fp).toBe(FP);
    // A long rule id is cut too, and the marker still parses.
    const rule = commentBody(finding({ ruleId: 'r'.repeat(10_000), message: 'm'.repeat(10_000) }), range, []);
    expect(rule.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(parseFindingMarker(rule)?.rule).toBe('r'.repeat(200));
  });
});

describe('finding markers', () => {
  const marker: FindingMarker = { v: 1, fp: `${FP}:2`, sev: 'error', rule: 'odd --> <rule> é "q"\n' };

  it('round-trips any rule id, in printable ASCII that cannot close the HTML comment', () => {
    const line = formatFindingMarker(marker);
    expect(line).toMatch(/^<!-- orchestrate:finding \{[\x20-\x7e]+\} -->$/);
    expect(line.slice(4, -4)).not.toMatch(/[<>]/);
    expect(parseFindingMarker(`text\n\n${line}`)).toEqual(marker);
    expect(parseFindingMarker(`text\r\n\r\n${line}\r\n`)).toEqual(marker);
  });

  it('reads the last line only', () => {
    expect(parseFindingMarker(`${formatFindingMarker(marker)}\n\nquoted above`)).toBeNull();
    expect(parseFindingMarker(`> ${formatFindingMarker(marker)}`)).toBeNull();
  });

  it('refuses anything that is not exactly a marker', () => {
    const bad = [
      '<!-- orchestrate:finding {"v":2,"fp":"' + FP + '","sev":"error","rule":"r"} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"XYZ","sev":"error","rule":"r"} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"fatal","rule":"r"} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"error","rule":""} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"error","rule":"r","x":1} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"error"} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"error","rule":7} -->',
      '<!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"toString","rule":"r"} -->',
      '<!-- orchestrate:finding {not json} -->',
      '<!-- orchestrate:finding [1] -->',
      ' <!-- orchestrate:finding {"v":1,"fp":"' + FP + '","sev":"error","rule":"r"} -->',
      '<!-- orchestrate:summary {"v":1} -->',
      '',
    ];
    for (const body of bad) expect(parseFindingMarker(body), body).toBeNull();
  });
});
