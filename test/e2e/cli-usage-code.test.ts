// End-to-end: an argument error found by the parser carries its code on the terminal too, like every other error
// (`orchestrate: error [E_USAGE]: …`, README "Every error carries a stable code"), not only in the --json document.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('argument errors without --json', () => {
  it.each([
    [['--bogus', 'add docstrings']],
    [['--concurrency', '0', 'add docstrings']],
    [['undo']],
    [['review', '--fail-on', 'fatal']],
  ])('%j: exit 2, stderr names E_USAGE and points to --help', async (args) => {
    const r = await runCli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^orchestrate: error \[E_USAGE\]: /);
    expect(r.stderr).toContain('orchestrate --help');
  });
});

describe('help for a command that does not exist', () => {
  it('names the word and the commands, E_USAGE, exit 2, with and without --json', async () => {
    const text = await runCli(['help', 'reveiw']);
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toMatch(/orchestrate: error \[E_USAGE\]: .*reveiw.*review/);
    const json = await runCli(['help', 'reveiw', '--json']);
    expect(json.exitCode).toBe(2);
    const doc = JSON.parse(json.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('E_USAGE');
    expect(doc.error.message).toContain('reveiw');
  });
});
