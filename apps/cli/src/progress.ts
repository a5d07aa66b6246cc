import type { RunEvent } from '@orchestrate/core';

/** Renders run events on stderr: one live line on a TTY, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream, live: boolean): { onEvent(e: RunEvent): void; stop(): void } {
  let phase = 'setup';
  let total = 0;
  let done = 0;
  let failed = 0;
  const running = new Set<string>();
  let tokens = 0;
  let cost = 0;
  let budget: number | null = null;
  let throttled = '';
  let lastDraw = 0;
  let liveShown = false;
  const line = () =>
    `[${phase}] jobs ${done}/${total} done, ${failed} failed, ${running.size} running | ${tokens} tokens | $${cost.toFixed(4)}${budget !== null ? ` / $${budget}` : ''}${throttled ? ` | throttled (${throttled})` : ''}`;
  const draw = (force = false) => {
    if (!live) return;
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    stream.write(`\r\x1b[2K${line()}`);
    liveShown = true;
  };
  const print = (text: string) => {
    if (live && liveShown) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    if (live) draw(true);
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'phase':
          phase = e.phase;
          if (!live) print(`orchestrate: ${e.phase}${e.detail ? ` (${e.detail})` : ''}`);
          else draw(true);
          break;
        case 'run-start':
          print(`orchestrate: run ${e.runId}, ${e.engine} engine, from HEAD ${e.baseCommit.slice(0, 8)} on branch ${e.branch}`);
          if (e.dirty) print('orchestrate: you have uncommitted changes; they stay as they are (the run starts from HEAD and never touches them)');
          break;
        case 'indexed':
          print(`orchestrate: indexed ${e.files} files, ${e.declarations} declarations in ${e.ms} ms${e.skipped ? ` (${e.skipped} skipped)` : ''}`);
          break;
        case 'planned':
          for (const s of e.plan.steps) {
            const sel = s.selector;
            print(`orchestrate: plan ${s.id}: ${s.kind}${sel.paths.length ? ` in ${sel.paths.join(', ')}` : ''}${sel.declarationKinds.length ? ` (${sel.declarationKinds.join(', ')})` : ''}${sel.exportedOnly ? ', exported only' : ''}`);
          }
          break;
        case 'expanded':
          total = e.jobs.length;
          print(`orchestrate: ${total} jobs; estimated cost $${e.estimate.costUsdLow.toFixed(4)}–$${e.estimate.costUsdHigh.toFixed(4)}`);
          break;
        case 'job-start':
          running.add(e.job.id);
          draw();
          break;
        case 'job-worked':
          running.delete(e.job.id);
          draw();
          break;
        case 'job-end':
          running.delete(e.job.id);
          done++;
          if (e.status !== 'succeeded') failed++;
          if (!live && e.status !== 'succeeded') print(`orchestrate: ${e.status} ${e.job.file} ${e.job.symbol}: ${e.error ?? ''}`);
          draw();
          break;
        case 'usage':
          tokens = e.total.inputTokens + e.total.outputTokens;
          cost = e.costUsd;
          budget = e.budgetUsd;
          draw();
          break;
        case 'throttle':
          throttled = `${e.model} at ${e.concurrency} in flight`;
          print(`orchestrate: throttled: ${e.model}: ${e.reason}; concurrency now ${e.concurrency}`);
          break;
        case 'warning':
          print(`orchestrate: warning: ${e.message}`);
          break;
        case 'commit':
        case 'done':
          break;
      }
    },
    stop() {
      if (live && liveShown) stream.write('\r\x1b[2K');
    },
  };
}
