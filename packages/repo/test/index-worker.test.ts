import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  indexFiles,
  serveIndex,
  threadIndexer,
  type IndexReply,
  type IndexRequest,
  type IndexThread,
  type RepoFile,
} from '../src/index.js';

const FILES: RepoFile[] = [
  { path: 'src/a.ts', text: 'export function add(a: number, b: number) {\n  return a + b;\n}\n' },
  { path: 'src/b.ts', text: '\uFEFFexport class C {\r\n  m(): void {}\r\n}\r\n' },
  { path: 'src/c.tsx', text: 'export const v = () => <div>{1}</div>;\n' },
];

/** A thread whose port is one end of a MessageChannel served by serveIndex: the real message path, on this thread. */
function channelThread(): IndexThread & { closed: boolean } {
  const { port1, port2 } = new MessageChannel();
  serveIndex(port2);
  const thread = {
    closed: false,
    request: (message: IndexRequest) =>
      new Promise<IndexReply | null>((resolve) => {
        port1.once('message', resolve);
        port1.postMessage(message);
      }),
    close() {
      thread.closed = true;
      port1.close();
      port2.close();
    },
  };
  return thread;
}

/** A thread that answers `reply` (or fails) without indexing anything. */
function stubThread(reply: () => Promise<IndexReply | null>): IndexThread & { requests: number } {
  const thread = { requests: 0, request: () => (thread.requests++, reply()), close() {} };
  return thread;
}

describe('threadIndexer', () => {
  it('gives what indexFiles gives, texts (without their byte-order mark) put back from the sender', async () => {
    const thread = channelThread();
    const got = await threadIndexer(thread)(FILES);
    expect(got).toEqual(indexFiles(FILES));
    expect(got[1]!.text.startsWith('\uFEFF')).toBe(false);
    expect(got[1]!.bom).toBe(true);
    expect(thread.closed).toBe(true);
  });

  it('sends no texts back: the reply holds the declarations only', async () => {
    const { port1, port2 } = new MessageChannel();
    serveIndex(port2);
    const reply = await new Promise<IndexReply>((resolve) => {
      port1.once('message', resolve);
      port1.postMessage({ files: FILES });
    });
    port1.close();
    expect(reply.ok).toBe(true);
    if (reply.ok) for (const file of reply.files) expect(file).not.toHaveProperty('text');
  });

  it('indexes here when the thread is gone, throws, fails or answers for other files', async () => {
    const answers: Array<() => Promise<IndexReply | null>> = [
      () => Promise.resolve(null),
      () => Promise.reject(new Error('worker died')),
      () => Promise.resolve({ ok: false, error: 'out of memory' }),
      () => Promise.resolve({ ok: true, files: [] }),
    ];
    for (const answer of answers) expect(await threadIndexer(stubThread(answer))(FILES)).toEqual(indexFiles(FILES));
  });

  it('indexes here, without asking, files of more text than maxChars (their trees stay for the proofs)', async () => {
    const thread = stubThread(() => Promise.resolve({ ok: true, files: [] }));
    const total = FILES.reduce((n, f) => n + f.text.length, 0);
    expect(await threadIndexer(thread, total - 1)(FILES)).toEqual(indexFiles(FILES));
    expect(thread.requests).toBe(0);
  });

  it('asks the thread once: a second call indexes here', async () => {
    const thread = stubThread(() => Promise.resolve(null));
    const indexer = threadIndexer(thread);
    await indexer(FILES);
    expect(await indexer(FILES.slice(0, 1))).toEqual(indexFiles(FILES.slice(0, 1)));
    expect(thread.requests).toBe(1);
  });

  it('answers a request that cannot be indexed with the reason, and keeps serving', async () => {
    const { port1, port2 } = new MessageChannel();
    serveIndex(port2);
    const ask = (message: unknown) =>
      new Promise<IndexReply>((resolve) => {
        port1.once('message', resolve);
        port1.postMessage(message);
      });
    const bad = await ask({ files: [{ path: 'src/x.ts', text: null }] });
    expect(bad.ok).toBe(false);
    expect((await ask({ files: FILES.slice(0, 1) })).ok).toBe(true);
    port1.close();
  });
});
