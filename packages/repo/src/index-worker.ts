// The code index on another thread: a run's first moments are the main thread's alone (reading the bundle, git, the
// config, the SDK), and TypeScript - the parser the index needs - is the largest module it loads. A worker thread that
// starts with the process loads TypeScript and parses the files on the other core meanwhile, so the planner's request
// leaves without waiting for either. Both ends of that thread's one message live here, so its format has one home.
import type { FileIndex } from './declarations.js';
import type { RepoFile } from './files.js';
import { indexFiles } from './code-index.js';

/** Indexes files as `indexFiles` does, perhaps on another thread. */
export type Indexer = (files: RepoFile[]) => Promise<FileIndex[]>;

/**
 * A worker thread as the main thread sees it: one request, answered with the reply, or with null when the thread
 * failed to start, died or exited first. `close` lets it go.
 */
export interface IndexThread {
  request(message: IndexRequest): Promise<IndexReply | null>;
  close(): void;
}

/** The side of the worker thread that answers (its `parentPort`). */
export interface IndexPort {
  on(event: 'message', listener: (message: IndexRequest) => void): unknown;
  postMessage(message: IndexReply): void;
}

/** What the main thread sends: the files to index. */
export interface IndexRequest {
  files: RepoFile[];
}

/** What comes back: the index without the files' texts (the sender has them), or why there is none. */
export type IndexReply = { ok: true; files: Omit<FileIndex, 'text'>[] } | { ok: false; error: string };

/** Answers index requests on a worker thread's port. */
export function serveIndex(port: IndexPort): void {
  port.on('message', ({ files }) => {
    let reply: IndexReply;
    try {
      // The texts are left out: copying them back would cost as much as sending them.
      reply = { ok: true, files: indexFiles(files).map(({ text: _text, ...rest }) => rest) };
    } catch (err) {
      reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(reply);
  });
}

/**
 * Files of more text than this are indexed on this thread. The index's parse trees are kept for the comment-only
 * proofs of the files a run edits (ts-internals parseFile), and a tree cannot cross from another thread: each proof
 * would parse its file again. For a small repository that costs less than the TypeScript set-up the thread takes off
 * the start; for a large one the index itself dominates the start, and parsing twice would only add CPU (measured:
 * +0.3 s at 1,000 jobs (125 files, 190 KB), +1 s at 5,000 with every file on the thread).
 */
export const THREAD_MAX_CHARS = 64 * 1024;

/**
 * An indexer that asks `thread` once, then lets it go: a run indexes once, and the thread holds a second copy of
 * TypeScript. Whatever goes wrong there (the thread failed to start, died or threw) the files are indexed here
 * instead, so the result is the same either way; so is a second call, and a set of files over `maxChars`.
 */
export function threadIndexer(thread: IndexThread, maxChars = THREAD_MAX_CHARS): Indexer {
  let used = false;
  return async (files) => {
    if (used) return indexFiles(files);
    used = true;
    if (files.reduce((n, f) => n + f.text.length, 0) > maxChars) {
      thread.close();
      return indexFiles(files);
    }
    const reply = await thread.request({ files }).catch(() => null);
    thread.close();
    if (!reply?.ok || reply.files.length !== files.length) return indexFiles(files);
    return reply.files.map((index, i) => {
      const text = files[i]!.text;
      return { ...index, text: index.bom ? text.slice(1) : text };
    });
  };
}
