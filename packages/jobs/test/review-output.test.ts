import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  FINGERPRINT_KEY,
  RULES,
  capAnnotations,
  dedupeAnnotations,
  formatForTerminal,
  onlyChangedLines,
  markdownCode,
  markdownInline,
  toMarkdown,
  toSarif,
  type Annotation,
} from '../src/review/index.js';

const note = (over: Partial<Annotation> = {}): Annotation => ({
  file: 'src/a.ts',
  line: 1,
  endLine: 1,
  severity: 'note',
  ruleId: 'no-todo',
  message: 'm',
  source: 'rule',
  ...over,
});

const SAMPLE: Annotation[] = [
  note({
    file: 'src/b.ts',
    line: 4,
    endLine: 4,
    severity: 'warning',
    ruleId: 'eqeqeq',
    message: 'Loose equality `==` coerces its operands.',
    suggestion: 'Use `===`.',
  }),
  note({
    file: 'src/a.ts',
    line: 9,
    endLine: 9,
    severity: 'error',
    ruleId: 'no-secret-literal',
    message: 'Possible hard-coded secret: a GitHub token.',
  }),
  note({
    file: 'src/a.ts',
    line: 2,
    endLine: 5,
    severity: 'note',
    ruleId: 'naming',
    message: 'The name `x` says nothing.',
    source: 'model',
    confidence: 0.8,
  }),
  note({
    file: 'src\\win dows\\c#1.ts',
    line: 1,
    endLine: 1,
    severity: 'warning',
    ruleId: 'no-console-log',
    message: 'console.log call.',
  }),
];

/**
 * The official SARIF 2.1.0 schema (draft-04), read by ajv's default draft: only its `$schema`/`id` keywords differ. Its
 * `language` pattern (`…{2}]?$`) is invalid as a unicode regular expression, so patterns are compiled without the `u` flag.
 */
function sarifValidator() {
  const schema = JSON.parse(
    readFileSync(new URL('../../../test/fixtures/sarif-2.1.0.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

describe('dedupeAnnotations / onlyChangedLines / capAnnotations', () => {
  it('keeps the first of the same file+line+rule, or the same file+line+message', () => {
    const list = [
      note({ ruleId: 'a', message: 'one' }),
      note({ ruleId: 'a', message: 'two' }),
      note({ ruleId: 'b', message: 'one', source: 'model' }),
      note({ ruleId: 'b', message: 'three', line: 2, endLine: 2 }),
      note({ ruleId: 'a', message: 'one', file: 'src/other.ts' }),
    ];
    expect(dedupeAnnotations(list).map((a) => [a.file, a.line, a.ruleId, a.message])).toEqual([
      ['src/a.ts', 1, 'a', 'one'],
      ['src/a.ts', 2, 'b', 'three'],
      ['src/other.ts', 1, 'a', 'one'],
    ]);
  });

  it('keeps annotations whose lines touch a changed range of their own file', () => {
    const changed = new Map([['src/a.ts', [{ start: 10, end: 12 }]]]);
    const list = [
      note({ line: 9, endLine: 9 }),
      note({ line: 8, endLine: 10 }),
      note({ line: 12, endLine: 12 }),
      note({ line: 13, endLine: 20 }),
      note({ file: 'src/b.ts', line: 11, endLine: 11 }),
    ];
    expect(onlyChangedLines(list, changed).map((a) => a.line)).toEqual([8, 12]);
  });

  it('caps to the most serious, stable within a severity', () => {
    const list = [
      note({ message: 'n1' }),
      note({ severity: 'warning', message: 'w1' }),
      note({ severity: 'error', message: 'e1' }),
      note({ severity: 'warning', message: 'w2' }),
      note({ severity: 'error', message: 'e2' }),
    ];
    expect(capAnnotations(list, 4).map((a) => a.message)).toEqual(['e1', 'e2', 'w1', 'w2']);
    expect(capAnnotations(list, 0)).toEqual([]);
    expect(capAnnotations(list, 10)).toHaveLength(5);
  });
});

describe('toSarif', () => {
  const log = toSarif(SAMPLE, {
    toolName: 'orchestrate',
    version: '0.1.0',
    rules: RULES,
    informationUri: 'https://example.com/orchestrate',
  });
  const run = log.runs[0];

  it('is a valid SARIF 2.1.0 log by the official schema (which does reject a broken one)', () => {
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(
      validate(toSarif([], { toolName: 'orchestrate', version: '0.1.0', rules: RULES })),
      JSON.stringify(validate.errors),
    ).toBe(true);
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('names the run for code scanning, adds a shell’s fingerprints, and writes exact fixes, still valid SARIF', () => {
    const withFix = [
      ...SAMPLE,
      note({ ruleId: 'eqeqeq', line: 3, endLine: 4, fix: { replacement: 'if (a === b) {\n  go();' } }),
    ];
    const named = toSarif(withFix, {
      toolName: 'orchestrate',
      version: '0.1.0',
      rules: RULES,
      automationId: 'orchestrate/cli/20261204-201823-ab12',
      extraFingerprints: (a, i) => ({ 'shell/v1': `${i}:${a.ruleId}` }),
    });
    const validate = sarifValidator();
    expect(validate(named), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(named.runs[0].automationDetails).toEqual({ id: 'orchestrate/cli/20261204-201823-ab12' });
    expect(log.runs[0]).not.toHaveProperty('automationDetails');
    const results = named.runs[0].results;
    expect(results[1]!.partialFingerprints).toEqual({
      'shell/v1': '1:no-secret-literal',
      [FINGERPRINT_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(results.slice(0, -1).every((r) => r.fixes === undefined)).toBe(true);
    expect(results.at(-1)!.fixes).toEqual([
      {
        description: { text: 'm' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'src/a.ts', uriBaseId: '%SRCROOT%' },
            replacements: [
              { deletedRegion: { startLine: 3, endLine: 4 }, insertedContent: { text: 'if (a === b) {\n  go();' } },
            ],
          },
        ],
      },
    ]);
    const broken = structuredClone(named) as unknown as { runs: { automationDetails: unknown }[] };
    broken.runs[0]!.automationDetails = { id: 1 };
    expect(validate(broken)).toBe(false);
  });

  it('describes the tool and every rule, including ids that only annotations name', () => {
    expect(log).toMatchObject({ $schema: expect.stringContaining('sarif'), version: '2.1.0' });
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({
      name: 'orchestrate',
      version: '0.1.0',
      informationUri: 'https://example.com/orchestrate',
    });
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...Object.keys(RULES), 'naming']);
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'no-explicit-any',
      shortDescription: { text: RULES['no-explicit-any'].description },
      defaultConfiguration: { level: 'warning' },
    });
  });

  it('writes each result with its rule index, level, message, location and fingerprint', () => {
    expect(run.results).toHaveLength(SAMPLE.length);
    for (const [i, r] of run.results.entries()) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(r.level).toBe(SAMPLE[i]!.severity);
    }
    const [first, secret, model, windows] = run.results;
    expect(first!.message.text).toBe('Loose equality `==` coerces its operands.\nSuggestion: Use `===`.');
    expect(first).not.toHaveProperty('fixes');
    expect(model!.locations[0]!.physicalLocation.region).toEqual({ startLine: 2, endLine: 5 });
    expect(model!.properties).toEqual({ source: 'model', confidence: 0.8 });
    expect(secret!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/a.ts');
    expect(windows!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/win%20dows/c%231.ts');
  });

  it('fingerprints by file, rule and message: stable when the line moves, distinct for repeats', () => {
    const fp = (list: Annotation[]) =>
      toSarif(list, { toolName: 'o', version: '1', rules: RULES }).runs[0].results.map(
        (r) => r.partialFingerprints[FINGERPRINT_KEY],
      );
    const a = note({ line: 3, endLine: 3 });
    const [moved] = fp([{ ...a, line: 40, endLine: 40 }]);
    expect(fp([a])).toEqual([moved]);
    expect(fp([{ ...a, message: 'other' }])).not.toEqual([moved]);
    expect(fp([{ ...a, file: 'src/z.ts' }])).not.toEqual([moved]);
    expect(fp([{ ...a, ruleId: 'eqeqeq' }])).not.toEqual([moved]);
    const twice = fp([a, { ...a, line: 7, endLine: 7 }]);
    expect(new Set(twice).size).toBe(2);
    expect(twice[0]).toBe(moved);
  });
});

describe('toMarkdown', () => {
  it('shows counts by severity, then findings grouped by file in path order', () => {
    const md = toMarkdown(SAMPLE, { title: 'Review of main..feature' });
    expect(md).toContain('## Review of main..feature');
    expect(md).toContain('| Errors | 1 |\n| Warnings | 2 |\n| Notes | 1 |\n| **Total** | **4** |');
    const headings = [...md.matchAll(/^### (.*)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['`src/a.ts`', '`src/b.ts`', '`src\\win dows\\c#1.ts`']);
    expect(md).toContain('- **note** lines 2–5 `naming`: The name `x` says nothing. (confidence 80%)');
    expect(md).toContain('- **error** line 9 `no-secret-literal`: Possible hard-coded secret: a GitHub token.');
    expect(md.indexOf('lines 2–5')).toBeLessThan(md.indexOf('line 9'));
    expect(md).toContain('  - Suggestion: Use `===`.');
  });

  it('escapes HTML, links and images outside code spans, and keeps code spans as written', () => {
    const md = toMarkdown(
      [note({ message: 'See <img src=x onerror=alert(1)> ![t](http://x/p.png) [l](http://x)\n# heading `a<b>`' })],
      { title: 'T' },
    );
    expect(md).toContain(
      'See &lt;img src=x onerror=alert(1)&gt; \\!\\[t\\](http:&#8203;//x/p.png) \\[l\\](http:&#8203;//x) \\# heading `a<b>`',
    );
    expect(md).not.toMatch(/<img/);
  });

  it('says when there is nothing to report', () => {
    expect(toMarkdown([], { title: 'T' })).toBe('## T\n\nNo findings.\n');
  });
});

describe('markdownInline / markdownCode', () => {
  it('breaks mentions, issue references and autolinks outside code spans, with an invisible space', () => {
    expect(markdownInline('ask @octocat or @org/team about #12, see https://x.example/a and www.x.example')).toBe(
      'ask @&#8203;octocat or @&#8203;org/team about \\#&#8203;12, see https:&#8203;//x.example/a and www&#8203;.x.example',
    );
    expect(markdownInline('`@octocat #12 https://x`')).toBe('`@octocat #12 https://x`');
  });

  it('folds lines and shows control, bidi and separator characters as escapes, in code spans too', () => {
    expect(markdownInline('a\nb\u202ec\u0007d\u2028e')).toBe('a b\\\\u202ec\\\\u0007d\\\\u2028e');
    expect(markdownCode('x\u202ey\nz')).toBe('`x\\u202ey z`');
    expect(markdownCode('a`b')).toBe('`` a`b ``');
  });

  it('follows CommonMark: a backtick run opens a code span only where a run of its length closes it', () => {
    // ``` never closes here, so CommonMark shows it as backticks and would render the <img> as HTML.
    expect(markdownInline('```<img src=https://x.example/p.png>`')).toBe(
      '\\`\\`\\`&lt;img src=https:&#8203;//x.example/p.png&gt;\\`',
    );
    expect(markdownInline('``a`<b>`` and `c`')).toBe('``a`<b>`` and `c`');
    expect(markdownInline('math $x$ stays text')).toBe('math \\$x\\$ stays text');
    expect(markdownCode(' a')).toBe('`  a `');
  });
});

describe('formatForTerminal', () => {
  const source: Record<string, string[]> = { 'src/a.ts': ['const x = 1;', 'let y = x;'] };
  const readLine = (file: string, line: number) => source[file]?.[line - 1] ?? null;

  it('groups by file and shows the code line under each annotation, and the suggestion', () => {
    const out = formatForTerminal(
      [
        note({ file: 'src/z.ts', line: 3, endLine: 3, severity: 'warning' }),
        note({ line: 2, endLine: 2, severity: 'error', message: 'bad', ruleId: 'r1', suggestion: 'fix it' }),
      ],
      readLine,
    );
    expect(out).toBe(
      [
        'src/a.ts',
        '  2  error    bad  [r1]',
        '     │ let y = x;',
        '     → fix it',
        '',
        'src/z.ts',
        '  3  warning  m  [no-todo]',
        '',
        '2 findings (1 error, 1 warning, 0 notes)',
        '',
      ].join('\n'),
    );
  });

  it('never sends control or bidirectional characters from code or messages to the terminal', () => {
    const out = formatForTerminal([note({ message: 'x\u001b[2Jy\u202e' })], () => 'a\u0007b\u2066');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e\u2066]/);
    expect(out).toContain('x\\u001b[2Jy\\u202e');
  });

  it('colours severities only when asked, and says when there is nothing to report', () => {
    expect(formatForTerminal([note({ severity: 'error' })], () => null, { color: true })).toContain('\u001b[31merror');
    expect(formatForTerminal([], () => null)).toBe('No findings.\n');
  });
});
