import { describe, expect, it } from 'vitest';
import {
  formatMarkdownSummary,
  markdownCode,
  markdownText,
  type SummaryFinding,
  type SummaryReport,
} from '../../src/index.js';

const REPORT: SummaryReport = {
  id: '20261204-201823-ab12',
  engine: 'openai',
  status: 'completed',
  jobs: { total: 12, succeeded: 10, failed: 1, skipped: 1 },
  usage: {
    'gpt-5-mini': { requests: 12, inputTokens: 34_000, cachedInputTokens: 1_000, outputTokens: 2_000, costUsd: 0.0123 },
  },
  costUsd: 0.0123,
  budgetUsd: 0.5,
  durationMs: 62_000,
  warnings: ['1 job skipped: needs the repository’s own tools'],
  commits: [
    { sha: 'abcdef0123456789abcdef0123456789abcdef01', stepId: 's1', message: 'docs: add @octocat docs', jobs: 2 },
  ],
  reviewed: { base: 'a'.repeat(40), head: 'b'.repeat(40), workingTree: false, files: 3, label: 'aaaaaaa..bbbbbbb' },
  baseCommit: 'b'.repeat(40),
  branch: 'orchestrate/20261204-201823-ab12',
};

const finding = (over: Partial<SummaryFinding> = {}): SummaryFinding => ({
  severity: 'warning',
  ruleId: 'eqeqeq',
  file: 'src/a.ts',
  line: 3,
  endLine: 3,
  message: 'Loose equality `==` coerces its operands.',
  state: 'posted',
  url: 'https://github.com/acme/widgets/pull/7#discussion_r1',
  ...over,
});

const LINK = { text: 'the run’s job summary', url: 'https://github.com/acme/widgets/actions/runs/1' };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** No half of a surrogate pair left alone (a cut in the middle of an emoji). */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('formatMarkdownSummary: content', () => {
  const md = formatMarkdownSummary(REPORT, {
    title: 'orchestrate review',
    findings: [
      finding({ severity: 'note', ruleId: 'no-todo', line: 9, endLine: 9, state: 'overflow', url: null }),
      finding(),
      finding({ severity: 'error', file: 'src/b.ts', line: 4, endLine: 6, state: 'unplaced', url: null }),
      finding({ state: 'open', line: 20, endLine: 20 }),
      finding({ state: 'resolved', line: 30, endLine: 30, url: null }),
    ],
    notes: ['Reviewed aaaaaaa..bbbbbbb (incremental).'],
    link: LINK,
    limit: { chars: 65_536 },
  });

  it('counts findings by severity and shows the run, jobs, models, tokens and cost against the budget', () => {
    expect(md.startsWith('## orchestrate review\n')).toBe(true);
    expect(md).toContain('**5 findings**: 1 error, 3 warnings, 1 note.');
    expect(md).toContain(
      'Run `20261204-201823-ab12` · openai engine · completed · 1m02s · reviewed `aaaaaaa..bbbbbbb` (3 files)',
    );
    expect(md).toContain('**Jobs**: 12 total, 10 succeeded, 1 failed, 1 skipped.');
    expect(md).toContain('**Cost**: $0.0123 of the $0.50 budget (2%).');
    expect(md).toContain('| `gpt-5-mini` | 12 | 34,000 | 1,000 | 2,000 | $0.0123 |');
    expect(md).toContain('**1 commit** on `orchestrate/20261204-201823-ab12`:');
    expect(md).toContain('- `abcdef01` docs: add @&#8203;octocat docs');
  });

  it('lists findings most serious first, with where, rule, message and what became of each', () => {
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| error') || l.startsWith('| warning') || l.startsWith('| note'));
    expect(rows).toEqual([
      '| error | `src/b.ts` lines 4–6 | `eqeqeq` | Loose equality `==` coerces its operands. | not on a changed line |',
      '| warning | `src/a.ts` line 3 | `eqeqeq` | Loose equality `==` coerces its operands. | [posted](https://github.com/acme/widgets/pull/7#discussion_r1) |',
      '| warning | `src/a.ts` line 20 | `eqeqeq` | Loose equality `==` coerces its operands. | [posted earlier](https://github.com/acme/widgets/pull/7#discussion_r1) |',
      '| warning | `src/a.ts` line 30 | `eqeqeq` | Loose equality `==` coerces its operands. | resolved |',
      '| note | `src/a.ts` line 9 | `no-todo` | Loose equality `==` coerces its operands. | not posted (comment cap) |',
    ]);
    expect(md).toContain('### Notes\n\n- Reviewed aaaaaaa..bbbbbbb (incremental).\n- warning: 1 job skipped');
    expect(md.trimEnd().endsWith('[the run’s job summary](https://github.com/acme/widgets/actions/runs/1)')).toBe(true);
  });

  it('says when the budget stopped the run, when there is no budget, and when there are no findings or report', () => {
    const stopped = formatMarkdownSummary(
      { ...REPORT, status: 'budget-exceeded', costUsd: 0.5012 },
      { title: 'T', findings: [], limit: {} },
    );
    expect(stopped).toContain(
      '**Cost**: $0.5012 of the $0.50 budget (100%): the budget stopped the run; what was verified before it is kept.',
    );
    expect(stopped).toContain('No findings.');
    expect(formatMarkdownSummary({ ...REPORT, budgetUsd: null }, { title: 'T', findings: [], limit: {} })).toContain(
      '**Cost**: $0.0123 (no budget set).',
    );
    expect(formatMarkdownSummary(null, { title: 'T', findings: [finding()], notes: ['n'], limit: {} })).toMatch(
      /^## T\n\n\*\*1 finding\*\*: 0 errors, 1 warning, 0 notes\.\n\n### Findings\n/,
    );
  });
});

describe('formatMarkdownSummary: untrusted text', () => {
  const secret = ['ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');

  it('escapes markup, mentions and links, keeps the table whole, redacts secrets and known values', () => {
    const md = formatMarkdownSummary(REPORT, {
      title: 'Review <script>alert(1)</script> @admins',
      findings: [
        finding({
          file: 'src/x|y.ts',
          message: `![i](https://evil.example/p.png) <b>bold</b> @octocat fixes #12 with \`a || b\` and ${secret} | cell`,
          url: 'javascript:alert(1)',
        }),
      ],
      notes: ['token tok-known-value-1234 was refused'],
      link: { text: 'job summary', url: 'https://x.example/a (b)' },
      limit: {},
      known: ['tok-known-value-1234'],
    });
    expect(md).not.toMatch(/<script|<b>|!\[i\]\(/);
    expect(md).toContain('## Review &lt;script&gt;alert(1)&lt;/script&gt; @&#8203;admins');
    expect(md).not.toContain(secret);
    expect(md).not.toContain('tok-known-value-1234');
    expect(md).toContain('token \\[redacted\\] was refused');
    const row = md.split('\n').find((l) => l.startsWith('| warning'))!;
    // Five cells: every `|` inside a cell is escaped, in code spans too.
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
    expect(row).toContain('`src/x\\|y.ts`');
    expect(row).toContain('`a \\|\\| b`');
    expect(row).toContain('@&#8203;octocat fixes \\#&#8203;12');
    expect(row).toContain('https:&#8203;//evil.example');
    expect(row.endsWith('| posted |')).toBe(true); // a javascript: URL is no link
    expect(md).toContain('[job summary](https://x.example/a%20%28b%29)');
  });

  it('markdownText and markdownCode are the escapers it uses', () => {
    expect(markdownText('**@x** <y>')).toBe('\\*\\*@&#8203;x\\*\\* &lt;y&gt;');
    expect(markdownCode('a`b')).toBe('`` a`b ``');
  });

  it('renders no HTML from a message whose backtick run never closes (CommonMark shows it as backticks)', () => {
    const md = formatMarkdownSummary(null, {
      title: 'r',
      findings: [finding({ message: '```<img src=https://x.example/p.png>` tracked' })],
      limit: { chars: 65_536 },
    });
    expect(md).not.toMatch(/<img/);
  });
});

describe('formatMarkdownSummary: limits', () => {
  const many = (n: number, message: string) =>
    Array.from({ length: n }, (_, i) =>
      finding({ line: i + 1, endLine: i + 1, message, severity: i % 3 ? 'warning' : 'error' }),
    );

  it('stays within 65,536 characters, cutting the least serious findings first and saying how many', () => {
    const findings = many(2_000, 'Loose equality coerces its operands, and this message is long enough to matter.');
    const md = formatMarkdownSummary(REPORT, {
      title: 'T',
      findings,
      notes: ['keep me'],
      link: LINK,
      limit: { chars: 65_536 },
    });
    expect(md.length).toBeLessThanOrEqual(65_536);
    expect(md.length).toBeGreaterThan(60_000);
    const shown = md.split('\n').filter((l) => /^\| (error|warning) \|/.test(l)).length;
    expect(md).toContain(`_${2_000 - shown} more findings are not shown here (size limit) (see the link below)._`);
    // Errors first: every error is shown before any warning is.
    expect(md.split('\n').filter((l) => l.startsWith('| error')).length).toBe(Math.min(shown, 667));
    expect(md).toContain('- keep me');
    expect(md.trimEnd().endsWith(`(${LINK.url})`)).toBe(true);
  });

  it('stays within 1 MiB of UTF-8 with multi-byte text (counted in bytes, not characters)', () => {
    const findings = many(5_000, '多字节文字的消息 🚧 — ünïcödé '.repeat(8));
    const limit = 1_048_576;
    const md = formatMarkdownSummary(REPORT, { title: 'Zusammenfassung 🧾', findings, limit: { bytes: limit } });
    expect(bytes(md)).toBeLessThanOrEqual(limit);
    expect(bytes(md)).toBeGreaterThan(limit - 2_000);
    expect(md.length).toBeLessThan(limit - 300_000); // characters alone would have let far more through
    expect(md).toMatch(/_\d+ more findings are not shown here \(size limit\)\._/);
    expect(wellFormed(md)).toBe(true);
  });

  it('cuts notes after every finding, and clips a head that is too large on its own', () => {
    const notes = Array.from({ length: 200 }, (_, i) => `note ${i} ${'x'.repeat(90)}`);
    const md = formatMarkdownSummary(null, { title: 'T', findings: many(10, 'm'), notes, limit: { chars: 5_000 } });
    expect(md.length).toBeLessThanOrEqual(5_000);
    expect(md).toContain('_10 more findings are not shown here (size limit)._');
    expect(md).toMatch(/_\d+ more notes are not shown here \(size limit\)\._/);
    expect(md).toContain('- note 0 ');
    const huge = formatMarkdownSummary(null, {
      title: '界'.repeat(10_000),
      findings: [],
      limit: { chars: 1_000, bytes: 2_000 },
    });
    expect(huge.length).toBeLessThanOrEqual(1_000);
    expect(bytes(huge)).toBeLessThanOrEqual(2_000);
    expect(huge.endsWith('…\n')).toBe(true);
    const emoji = formatMarkdownSummary(null, { title: '🚧'.repeat(1_000), findings: [], limit: { chars: 102 } });
    expect(wellFormed(emoji)).toBe(true);
    expect(emoji.length).toBeLessThanOrEqual(102);
  });
});
