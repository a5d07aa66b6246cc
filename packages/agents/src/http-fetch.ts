// A lean `fetch` for the openai SDK: JSON requests go over node:http(s) with keep-alive sockets, and the whole answer
// is read before the Response is handed over. Node's built-in fetch (undici) costs about a millisecond of CPU more per
// request (web streams, per-request abort plumbing), which at hundreds of calls a run is most of the orchestrator's CPU.
// Bodies this does not handle (form data for the Batch API's file uploads, streams) go to the built-in fetch unchanged.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** The text of a Response this fetch made (it was read whole before the Response was made), by Response. */
const bodies = new WeakMap<Response, string>();

/** The answer text of a Response made by `leanFetch`, without reading its body again; undefined for any other. */
export function bufferedText(response: Response): string | undefined {
  return bodies.get(response);
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' }),
};

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The most bytes of one answer `leanFetch` reads, before and after decompression: model answers and batch result files
 * are far below it. Past it the connection is cut and the fetch fails with `AnswerTooLarge`, so a faulty or hostile
 * server (an endless body, a gzip bomb) cannot fill the memory or crash the run.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Why a fetch failed when the answer was over `MAX_ANSWER_BYTES` (its `cause`). */
export class AnswerTooLarge extends RangeError {
  override name = 'AnswerTooLarge';
  constructor() {
    super(`the answer was larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; at most that much of an answer is read`);
  }
}

/** Whether a failed fetch was refused for the size of its answer. */
export function isAnswerTooLarge(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++)
    if (e instanceof AnswerTooLarge) return true;
  return false;
}

/** Whether `leanFetch` makes this request itself: an http(s) URL with a string, byte or empty body. */
export function handledByLeanFetch(input: Parameters<typeof fetch>[0], init: RequestInit | undefined): boolean {
  const body = init?.body;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : '';
  return /^https?:/i.test(url) && (body == null || typeof body === 'string' || body instanceof Uint8Array);
}

/** fetch(input, init) over node:http(s) when `handledByLeanFetch`; anything else goes to the built-in fetch. */
export const leanFetch: typeof fetch = (input, init) => {
  if (!handledByLeanFetch(input, init)) return fetch(input, init);
  const url = typeof input === 'string' ? input : (input as URL).href;
  return request(new URL(url), init ?? {}, (init?.body as string | Uint8Array | null | undefined) ?? undefined);
};

function request(url: URL, init: RequestInit, body: string | Uint8Array | undefined): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (body !== undefined)
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    };
    const onAbort = () => {
      fail(abortError(signal!));
      req.destroy();
    };
    const req = transport.request(
      url,
      { method: (init.method ?? 'GET').toUpperCase(), headers, agent: agents[url.protocol as 'http:' | 'https:'] },
      (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const tooLarge = () => {
          fail(fetchFailed(new AnswerTooLarge()));
          req.destroy();
        };
        if (Number(res.headers['content-length'] ?? 0) > MAX_ANSWER_BYTES) return tooLarge();
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_ANSWER_BYTES) tooLarge();
          else chunks.push(chunk);
        });
        const cut = (err?: unknown) =>
          fail(new TypeError('fetch failed: the connection was reset while the answer was read', { cause: err }));
        res.on('error', cut);
        res.on('aborted', cut);
        res.on('close', () => res.complete || cut());
        res.on('end', () => {
          if (settled) return;
          let bytes: Buffer;
          try {
            bytes = decode(Buffer.concat(chunks), res.headers['content-encoding']);
          } catch (err) {
            return fail(fetchFailed(isTooLargeBuffer(err) ? new AnswerTooLarge() : err));
          }
          // What a Response cannot hold (a status outside 200–599, a header value it refuses) fails the fetch; it must
          // never throw out of this handler, where nothing would catch it.
          let response: Response;
          try {
            response = toResponse(res, bytes.toString('utf8'), url);
          } catch (err) {
            return fail(fetchFailed(err));
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(response);
        });
      },
    );
    req.on('error', (err) => fail(fetchFailed(err)));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** The Response of a whole answer (remembering its text for `bufferedText`). */
function toResponse(res: http.IncomingMessage, text: string, url: URL): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i]!.toLowerCase();
    if (name !== 'content-encoding' && name !== 'content-length') headers.append(name, res.rawHeaders[i + 1]!);
  }
  const response = new Response(NULL_BODY.has(status) ? null : text, {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
  Object.defineProperty(response, 'url', { value: url.href });
  bodies.set(response, text);
  return response;
}

/** The body as sent, decompressed (to at most `MAX_ANSWER_BYTES`) when the server compressed it. */
function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  const limit = { maxOutputLength: MAX_ANSWER_BYTES };
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes, limit);
    case 'deflate':
      return zlib.inflateSync(bytes, limit);
    case 'br':
      return zlib.brotliDecompressSync(bytes, limit);
    default:
      return bytes;
  }
}

/** zlib's refusal to inflate past `maxOutputLength`. */
function isTooLargeBuffer(err: unknown): boolean {
  return err instanceof RangeError && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/** A failed connection, shaped as the built-in fetch reports it (the SDK retries it as a connection error). */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}
