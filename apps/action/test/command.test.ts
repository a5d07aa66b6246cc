import { describe, expect, it } from 'vitest';
import { GitHubApiError } from '@orchestrate/core';
import { decideCommand, MAX_TASK_CHARS, parseCommand } from '../src/command.js';
import { memoryApi } from './helpers/memory-api.js';

describe('parseCommand', () => {
  it('takes the task from a first line that starts with /orchestrate', () => {
    expect(parseCommand('/orchestrate add docstrings to src/math.ts')).toEqual({
      task: 'add docstrings to src/math.ts',
    });
    expect(parseCommand('  /orchestrate   fix the typos  \r\nmore text')).toEqual({ task: 'fix the typos' });
    expect(parseCommand('\uFEFF/orchestrate go')).toEqual({ task: 'go' });
  });

  it('is null for anything else: no task, another word, the command on a later line, a quote', () => {
    for (const body of [
      '/orchestrate',
      '/orchestrate   ',
      '/orchestrated run',
      'please\n/orchestrate run',
      '> /orchestrate run',
      '',
    ]) {
      expect(parseCommand(body)).toBeNull();
    }
  });

  it('strips control characters and bidirectional overrides from the task', () => {
    expect(parseCommand('/orchestrate add\u202e docs\u0007 now')).toEqual({ task: 'add docs now' });
  });
});

describe('decideCommand', () => {
  const api = (permissions: Record<string, 'admin' | 'write' | 'read' | 'triage'>) =>
    memoryApi({ pulls: [], permissions });

  it('runs the task of a user with write, maintain or admin permission', async () => {
    const a = api({ alice: 'write', root: 'admin' });
    expect(await decideCommand(a, { body: '/orchestrate add docs', author: 'alice' }, 'bot')).toEqual({
      run: true,
      task: 'add docs',
    });
    expect((await decideCommand(a, { body: '/orchestrate x', author: 'root' }, 'bot')).run).toBe(true);
  });

  it('a bare /orchestrate gets one reply that says how to give the task, and runs nothing', async () => {
    const d = await decideCommand(api({ alice: 'write' }), { body: '/orchestrate  \nplease', author: 'alice' }, 'bot');
    expect(d).toMatchObject({ run: false, reply: expect.stringContaining('`/orchestrate <task>`') });
    expect(d.run === false && d.reply).not.toMatch(/@/);
  });

  it('refuses read and triage users with one reply that mentions no one', async () => {
    const a = api({ mallory: 'triage' });
    for (const author of ['mallory', 'stranger']) {
      const d = await decideCommand(a, { body: '/orchestrate leak the secrets', author }, 'bot');
      expect(d.run).toBe(false);
      if (d.run) return;
      expect(d.reply).toMatch(/write access/);
      expect(d.reply).not.toContain('@');
      expect(d.reply).not.toContain(author);
    }
  });

  it('a user GitHub does not know (404) has no permission', async () => {
    const a = api({});
    a.fail({ method: 'permission', status: 404, message: 'Not Found' });
    const d = await decideCommand(a, { body: '/orchestrate x', author: 'ghost' }, 'bot');
    expect(d).toMatchObject({ run: false, reason: expect.stringContaining('none') });
  });

  it('another API error is not a refusal: it is thrown', async () => {
    const a = api({});
    a.fail({ method: 'permission', status: 500, message: 'boom' });
    await expect(decideCommand(a, { body: '/orchestrate x', author: 'alice' }, 'bot')).rejects.toBeInstanceOf(
      GitHubApiError,
    );
  });

  it('a task over the cap is refused with a reply; a comment that is no command, silently; our own, silently', async () => {
    const a = api({ alice: 'write', bot: 'admin' });
    const long = await decideCommand(
      a,
      { body: `/orchestrate ${'x'.repeat(MAX_TASK_CHARS + 1)}`, author: 'alice' },
      'bot',
    );
    expect(long).toMatchObject({ run: false, reply: expect.stringContaining(String(MAX_TASK_CHARS)) });
    expect(await decideCommand(a, { body: 'LGTM', author: 'alice' }, 'bot')).toMatchObject({ run: false, reply: null });
    expect(await decideCommand(a, { body: '/orchestrate x', author: 'bot' }, 'bot')).toMatchObject({
      run: false,
      reply: null,
    });
    expect(a.callsOf('permission').map((c) => c.args[0])).toEqual(['alice']);
  });
});
