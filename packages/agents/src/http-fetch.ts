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
  if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
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
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        const cut = (err?: unknown) => fail(new TypeError('fetch failed: the connection was reset while the answer was read', { cause: err }));
        res.on('error', cut);
        res.on('aborted', cut);
        res.on('close', () => res.complete || cut());
        res.on('end', () => {
          if (settled) return;
          let bytes: Buffer;
          try {
            bytes = decode(Buffer.concat(chunks), res.headers['content-encoding']);
          } catch (err) {
            return fail(fetchFailed(err));
          }
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!.toLowerCase();
            if (name !== 'content-encoding' && name !== 'content-length') responseHeaders.append(name, res.rawHeaders[i + 1]!);
          }
          const text = bytes.toString('utf8');
          const response = new Response(NULL_BODY.has(status) ? null : text, { status, statusText: res.statusMessage ?? '', headers: responseHeaders });
          Object.defineProperty(response, 'url', { value: url.href });
          bodies.set(response, text);
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

/** The body as sent, decompressed when the server compressed it. */
function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes);
    case 'deflate':
      return zlib.inflateSync(bytes);
    case 'br':
      return zlib.brotliDecompressSync(bytes);
    default:
      return bytes;
  }
}

/** A failed connection, shaped as the built-in fetch reports it (the SDK retries it as a connection error). */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}
