import { readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import * as prettier from 'prettier';
import { it } from 'vitest';
import { proveFormattingOnly } from '../src/format-proof.js';

const OPTIONS = [
  {},
  { semi: false, singleQuote: true, trailingComma: 'none', arrowParens: 'avoid', quoteProps: 'consistent' },
  { printWidth: 40, trailingComma: 'all', bracketSpacing: false, quoteProps: 'as-needed', endOfLine: 'crlf' },
  { experimentalTernaries: true, objectWrap: 'collapse', singleAttributePerLine: true, jsxSingleQuote: true, bracketSameLine: true, printWidth: 60 },
] as const;

it('fuzz', async () => {
  const list = execSync(process.env.FUZZ_CMD!, { encoding: 'utf8', maxBuffer: 1e9 }).split('\n').filter(Boolean);
  const failures: string[] = [];
  let n = 0, skipped = 0;
  for (const file of list) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 300_000) continue;
    for (const options of OPTIONS) {
      let out: string;
      try {
        out = await prettier.format(text, { ...options, filepath: file } as prettier.Options);
      } catch { skipped++; continue; }
      n++;
      const r = proveFormattingOnly(file, text, out);
      if (!r.ok) failures.push(`${file} ${JSON.stringify(options)}: ${r.reason}`);
      const back = proveFormattingOnly(file, out, text);
      if (!back.ok) failures.push(`REVERSE ${file} ${JSON.stringify(options)}: ${back.reason}`);
    }
  }
  writeFileSync('/tmp/fuzz/result.txt', `${n} checked, ${skipped} prettier errors, ${failures.length} failures\n` + failures.join('\n'));
}, 1_200_000);
