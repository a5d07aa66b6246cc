// End-to-end: a reader that stops early (`orchestrate --help | head -2`) closes the pipe; the CLI must stop quietly,
// as `git log | head` does, not print an unhandled EPIPE error with a stack trace.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

describe('stdout closed by its reader', () => {
  it('`orchestrate --help` into a closed pipe: no EPIPE trace on stderr', async () => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the CLI has started (it takes far longer than this line): its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(code).toBe(0);
  });
});
