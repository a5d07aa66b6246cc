// A resumed run replays the answers an earlier process received, refused ones included: a refused answer must come
// back as the same fault, so the ladder retries it (and the verifier splits its batch) as the first process did.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CallFailed, type ModelClient, type StructuredCall } from '@orchestrate/agents';
import { emptyUsage } from '@orchestrate/core';
import { Journal, journaledClient, readJournal } from '../src/runs/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const request: StructuredCall<{ summary: string }> = {
  role: 'worker',
  model: 'm',
  instructions: 'i',
  input: 'x',
  schema: z.object({ summary: z.string() }),
  maxOutputTokens: 10,
  cacheKey: 'k',
};
const paid = { ...emptyUsage(), requests: 1, inputTokens: 10, outputTokens: 5 };

describe('journal replay of refused answers', () => {
  it('keeps the fault kind of a refused answer and replays it', async () => {
    const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'engine-journal-')));
    dirs.push(root);
    const refusing: ModelClient = {
      call: () => Promise.reject(new CallFailed("the model's output was not valid JSON", paid, false, 'invalidJson')),
    };
    const journal = Journal.open(root, 'r1');
    const first = await journaledClient(refusing, journal, [], { replayed: 0, verdicts: 0 }, () => 0)
      .call(request)
      .then(
        () => null,
        (e: unknown) => e as CallFailed,
      );
    journal.close();
    expect(first?.fault).toBe('invalidJson');

    const never: ModelClient = { call: () => Promise.reject(new Error('paid twice')) };
    const stats = { replayed: 0, verdicts: 0 };
    const again = journaledClient(never, Journal.open(root, 'r1'), readJournal(root, 'r1')!, stats, () => 0);
    const replayed = await again.call(request).then(
      () => null,
      (e: unknown) => e as CallFailed,
    );
    expect(replayed).toBeInstanceOf(CallFailed);
    expect(replayed?.message).toBe("the model's output was not valid JSON");
    expect(replayed?.fault).toBe('invalidJson');
    expect(replayed?.usage).toEqual(paid);
    expect(stats.replayed).toBe(1);
  });
});
