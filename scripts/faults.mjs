#!/usr/bin/env node
// `pnpm faults`: runs the fault and hostile-input suites and prints what they proved, per suite: scenarios run and
// passed, bytes changed in the users' trees (must be 0) and completed calls paid twice (must be 0). Exits 1 if any failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = {
  'crash-resume': 'test/faults/crash-resume.test.ts',
  'model-faults': 'test/faults/model-faults.test.ts',
  'client-faults': 'test/faults/openai-client-faults.test.ts',
  'hostile-repo': 'test/e2e/hostile-repo.test.ts',
  'git-locks': 'test/e2e/git-locks.test.ts',
  'hostile-output': 'packages/jobs/test/hostile-output.test.ts',
  secrets: 'test/e2e/secrets.test.ts',
};

const dir = mkdtempSync(path.join(tmpdir(), 'orch-faults-'));
const results = path.join(dir, 'scenarios.jsonl');
const json = path.join(dir, 'vitest.json');
const run = spawnSync(
  process.execPath,
  [
    path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    ...Object.values(SUITES),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${json}`,
  ],
  { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, FAULTS_RESULTS: results } },
);

const tests = JSON.parse(readFileSync(json, 'utf8'));
const recorded = (() => {
  try {
    return readFileSync(results, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
})();
rmSync(dir, { recursive: true, force: true });

const rows = Object.entries(SUITES).map(([suite, file]) => {
  const result = tests.testResults.find((r) => r.name.endsWith(file));
  const cases = result?.assertionResults ?? [];
  const mine = recorded.filter((r) => r.suite === suite);
  const paid = mine.filter((r) => r.paidTwice !== null);
  return {
    suite,
    run: cases.length,
    passed: cases.filter((c) => c.status === 'passed').length,
    bytes: mine.length ? String(mine.reduce((n, r) => n + r.bytesChanged, 0)) : '–',
    paidTwice: paid.length ? String(paid.reduce((n, r) => n + r.paidTwice, 0)) : '–',
  };
});
const total = {
  suite: 'total',
  run: rows.reduce((n, r) => n + r.run, 0),
  passed: rows.reduce((n, r) => n + r.passed, 0),
  bytes: String(recorded.reduce((n, r) => n + r.bytesChanged, 0)),
  paidTwice: String(recorded.filter((r) => r.paidTwice !== null).reduce((n, r) => n + r.paidTwice, 0)),
};
const head = ['suite', 'scenarios', 'passed', 'bytes changed in user trees', 'completed calls paid twice'];
const body = [...rows, total].map((r) => [r.suite, String(r.run), String(r.passed), r.bytes, r.paidTwice]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(
  `\n${line(head)}\n|${widths.map((w, i) => `${'-'.repeat(w + 1)}${i === 0 ? '-' : ':'}`).join('|')}|\n${body.map(line).join('\n')}`,
);
console.log(
  `\n('–': the suite has no user tree to compare or nothing to resume; its tests assert their own invariants.)`,
);
process.exitCode =
  run.status === 0 && total.bytes === '0' && total.paidTwice === '0' && total.passed === total.run ? 0 : 1;
