// The run report page in headless Chromium: a fake-server run with 429s, its report.html (written beside report.json)
// rendered offline: no console error, no request, the page's figures equal report.json, the charts drew; a screenshot
// is kept in test-artifacts/report-html.png.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { startFakeOpenAI, type FakeRequest, type FakeReply } from '../fake/openai-server.js';
import { parseReport, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';
import { docStep, roleOf, scripted } from './openai-script.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SIX = Array.from({ length: 6 }, (_, i) => `export function g${i}(v: number): number {\n  return v * ${i};\n}\n`);

/** The fake API: a plan, docstrings, accepting verdicts; the first three worker requests are rate limited (429). */
async function throttlingServer() {
  let workerCalls = 0;
  return startFakeOpenAI(
    scripted({
      steps: [{ ...docStep(), paths: ['src/g.ts'] }],
      before: (req: FakeRequest): FakeReply | undefined => {
        if (roleOf(req) !== 'worker' || ++workerCalls > 3) return undefined;
        const body = { error: { message: 'Rate limit reached', type: 'requests' } };
        return { status: 429, headers: { 'retry-after-ms': '30' }, body };
      },
    }),
  );
}

describe('report.html in headless Chromium', () => {
  it('renders a throttled run offline, with the figures of report.json and drawn charts', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium, as .ci/run does) or set CHROMIUM_PATH.`,
      );
    }
    const repo = makeRepo({
      'src/g.ts': SIX.join('\n'),
      'agents.config.ts': 'export default { packing: { maxJobs: 1 }, concurrency: 4 };\n',
    });
    const server = await throttlingServer();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: server.url };
      const result = await runCli(['-C', repo.dir, '--json', '--engine', 'openai', 'add docstrings to src/g.ts'], env);
      expect(result.exitCode, result.stderr).toBe(0);
      const report = parseReport(result.stdout);
      const dir = path.join(repo.dir, '.orchestrate', 'runs', report.id as string);
      const onDisk = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Record<string, any>;
      expect(onDisk.calls.some((c: { outcome: string }) => c.outcome === 'throttled')).toBe(true);
      expect(onDisk.items.every((i: { diff?: string }) => i.diff?.includes('+/**'))).toBe(true);
      const shown = await runCli(['show', report.id as string, '-C', repo.dir, '--html', '--json']);
      expect(JSON.parse(shown.stdout)).toEqual({ html: path.join(dir, 'report.html') });

      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const url = pathToFileURL(path.join(dir, 'report.html')).href;
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('request', (r) => {
        if (r.url() !== url) problems.push(`request: ${r.url()}`);
      });
      await page.goto(url);
      await page.waitForSelector('html[data-charts]');
      expect(problems).toEqual([]);

      const figures = await page.$$eval('[data-figure]', (els) =>
        els.map((el) => ({
          name: el.getAttribute('data-figure')!,
          value: el.getAttribute('data-value'),
          text: el.textContent ?? '',
          model: el.closest('tr')?.getAttribute('data-model') ?? null,
          step: el.closest('tr')?.getAttribute('data-step') ?? null,
        })),
      );
      const one = (name: string) => figures.find((f) => f.name === name)!;
      const num = (name: string) => Number(one(name).value);
      expect(one('task').text).toBe(onDisk.task);
      expect(one('status').text).toBe(onDisk.status);
      expect(one('branch').text).toBe(onDisk.branch);
      for (const k of ['total', 'succeeded', 'failed', 'skipped']) expect(num(`jobs.${k}`)).toBe(onDisk.jobs[k]);
      expect(num('costUsd')).toBe(onDisk.costUsd);
      expect(num('models.costUsd')).toBe(onDisk.costUsd);
      expect(num('durationMs')).toBe(onDisk.durationMs);
      for (const [model, u] of Object.entries(onDisk.usage as Record<string, Record<string, number>>)) {
        for (const k of ['requests', 'inputTokens', 'cachedInputTokens', 'outputTokens', 'costUsd']) {
          const cell = figures.find((f) => f.model === model && f.name === `model.${k}`)!;
          expect(Number(cell.value), `${model} ${k}`).toBe(u[k]);
        }
      }
      for (const step of onDisk.plan.steps as { id: string }[]) {
        const items = (onDisk.items as { stepId: string; costUsd: number; tokens: { input: number } }[]).filter(
          (i) => i.stepId === step.id,
        );
        const cell = (k: string) => Number(figures.find((f) => f.step === step.id && f.name === `step.${k}`)!.value);
        expect(cell('jobs')).toBe(items.length);
        expect(cell('inputTokens')).toBe(items.reduce((n, i) => n + i.tokens.input, 0));
        expect(cell('costUsd')).toBe(items.reduce((n, i) => n + i.costUsd, 0));
      }
      const calls = onDisk.calls as { outcome: string }[];
      expect(num('calls')).toBe(calls.length);
      expect(num('calls.throttled')).toBe(calls.filter((c) => c.outcome === 'throttled').length);
      expect(num('calls.throttled')).toBeGreaterThan(0);
      expect(await page.locator('#table-jobs tbody tr').count()).toBe(onDisk.items.length);
      expect(await page.locator('#table-jobs details').count()).toBe(onDisk.items.length);

      const canvases = await page.$$eval('canvas', (els) =>
        // The DOM's canvas type is not in this project's lib: its drawn size is read from the attributes.
        els.map((c) => ({ w: Number(c.getAttribute('width')), h: Number(c.getAttribute('height')) })),
      );
      expect(canvases).toHaveLength(4);
      for (const c of canvases) expect(c.w * c.h).toBeGreaterThan(0);

      const out = path.join(ROOT, 'test-artifacts', 'report-html.png');
      mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out, fullPage: true });
      console.log(`report page screenshot: ${out}`);
    } finally {
      await browser.close();
      await server.close();
      repo.cleanup();
    }
  });
});
