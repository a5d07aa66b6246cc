// watchingFetch refuses a 2xx answer whose JSON body ended early (issue #12 §3), but only a body the SDK parses as
// JSON: a JSON Lines file (a batch's results) is many documents, not one cut short.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCounter, watchingFetch } from '../src/faults.js';

const LINES = '{"custom_id":"a","response":{}}\n{"custom_id":"b","response":{}}\n';
let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const type = req.url!.startsWith('/jsonl')
      ? 'application/jsonl'
      : req.url!.startsWith('/ndjson')
        ? 'application/x-ndjson'
        : 'application/json';
    const body = req.url!.endsWith('/broken') ? '{"id": "broken", "output": [' : LINES;
    res.writeHead(200, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetcher = (faults: FaultCounter) => watchingFetch({ timeoutMs: 5_000, faults, onRateLimited: () => {} });

describe('watchingFetch: truncated JSON bodies', () => {
  it('refuses a cut application/json answer, counted', async () => {
    const faults = new FaultCounter();
    await expect(fetcher(faults)(`${url}/v1/responses/broken`, { method: 'POST', body: '{}' })).rejects.toThrow(
      /ended before its JSON body/,
    );
    expect(faults.snapshot()).toEqual({ truncatedBody: 1 });
  });

  it.for(['/jsonl/v1/files/f/content', '/ndjson/v1/files/f/content', '/v1/files/f/content'])(
    'passes a JSON Lines file (%s)',
    async (route) => {
      const faults = new FaultCounter();
      const response = await fetcher(faults)(`${url}${route}`, { method: 'GET' });
      expect(await response.text()).toBe(LINES);
      expect(faults.snapshot()).toEqual({});
    },
  );
});
