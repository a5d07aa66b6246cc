import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferedText, handledByLeanFetch, isAnswerTooLarge, leanFetch, MAX_ANSWER_BYTES } from '../src/http-fetch.js';

let server: http.Server;
/** 80 MB of zeros, gzipped to some 80 KB. */
const BOMB = zlib.gzipSync(Buffer.alloc(80 * 1024 * 1024));
let base = '';
const seen: { method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body });
      if (req.url === '/json') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-request-id', 'req_1');
        res.end(JSON.stringify({ echo: body, ok: 'é' }));
      } else if (req.url === '/gzip') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('content-encoding', 'gzip');
        res.end(zlib.gzipSync(JSON.stringify({ zipped: true })));
      } else if (req.url === '/empty') {
        res.statusCode = 204;
        res.end();
      } else if (req.url === '/limited') {
        res.statusCode = 429;
        res.setHeader('retry-after-ms', '5');
        res.setHeader('content-type', 'application/json');
        res.end('{"error":{"message":"slow down"}}');
      } else if (req.url === '/cut') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('content-length', '1000');
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === '/bomb') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('content-encoding', 'gzip');
        res.end(BOMB);
      } else if (req.url === '/status-600') {
        res.writeHead(600, { 'content-type': 'application/json' });
        res.end('{}');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('{}'), 2_000);
      } else {
        res.statusCode = 404;
        res.end('no');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('leanFetch', () => {
  it('posts a JSON body and hands back status, headers and the whole text (also without reading the body)', async () => {
    const res = await leanFetch(`${base}/json`, {
      method: 'post',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.url).toBe(`${base}/json`);
    expect(bufferedText(res)).toBe(JSON.stringify({ echo: '{"a":1}', ok: 'é' }));
    expect(await res.json()).toEqual({ echo: '{"a":1}', ok: 'é' });
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.headers.authorization).toBe('Bearer k');
    expect(last.headers['content-length']).toBe('7');
  });

  it('decompresses a gzip answer and drops the encoding headers', async () => {
    const res = await leanFetch(`${base}/gzip`, {});
    expect(await res.json()).toEqual({ zipped: true });
    expect(res.headers.get('content-encoding')).toBeNull();
  });

  it('gives a 204 no body, and a 429 its status and headers', async () => {
    const empty = await leanFetch(`${base}/empty`, { method: 'GET' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const limited = await leanFetch(`${base}/limited`, { method: 'POST', body: '{}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after-ms')).toBe('5');
  });

  it('rejects a connection cut in the middle of the answer as a failed fetch (which the SDK retries)', async () => {
    const err = await leanFetch(`${base}/cut`, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/^fetch failed: the connection was reset while the answer was read/);
  });

  it('refuses to inflate a compressed answer past the answer limit (a gzip bomb) as a failed fetch', async () => {
    expect(BOMB.length).toBeLessThan(1024 * 1024);
    expect(80 * 1024 * 1024).toBeGreaterThan(MAX_ANSWER_BYTES);
    const err = await leanFetch(`${base}/bomb`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect(isAnswerTooLarge(err)).toBe(true);
    expect(String((err as Error).cause)).toMatch(/larger than 64 MB/);
  });

  it('rejects a status a Response cannot carry (600) as a failed fetch instead of throwing where nothing catches it', async () => {
    const err = await leanFetch(`${base}/status-600`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
    expect(isAnswerTooLarge(err)).toBe(false);
  });

  it('rejects a refused connection as a failed fetch with its cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await leanFetch(`http://127.0.0.1:${port}/`, {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('fetch failed');
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('aborts a request in flight with an AbortError, and refuses an already aborted one', async () => {
    const controller = new AbortController();
    const pending = leanFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const err = await pending.then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('AbortError');
    const again = await leanFetch(`${base}/json`, { signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((again as Error).name).toBe('AbortError');
  });

  it('leaves form data (Batch API uploads) to the built-in fetch', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    expect(handledByLeanFetch(`${base}/json`, { method: 'POST', body: form })).toBe(false);
    expect(handledByLeanFetch(`${base}/json`, { method: 'POST', body: '{}' })).toBe(true);
    const res = await leanFetch(`${base}/json`, { method: 'POST', body: form });
    expect(bufferedText(res)).toBeUndefined();
    expect(((await res.json()) as { echo: string }).echo).toContain('name="purpose"');
  });
});
