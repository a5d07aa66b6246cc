import type http from 'node:http';

/** What the batch routes need from the server: answer one Responses request body as the live endpoint would. */
export interface BatchHost {
  answer(body: unknown): Promise<{ status: number; body: unknown; brokenLine?: boolean }>;
}

interface StoredFile {
  id: string;
  purpose: string;
  text: string;
}

interface StoredBatch {
  id: string;
  input_file_id: string;
  endpoint: string;
  status: 'validating' | 'in_progress' | 'completed';
  output_file_id: string | null;
  error_file_id: string | null;
  polls: number;
  request_counts: { total: number; completed: number; failed: number };
}

/**
 * The Batch API routes of the fake: `POST /v1/files` (multipart upload), `GET /v1/files/{id}/content`,
 * `POST /v1/batches`, `GET /v1/batches/{id}`. A batch completes after `pollsToComplete` retrievals; each line is
 * answered by the same handler as `POST /v1/responses` (and logged like it).
 */
export function batchRoutes(host: BatchHost, pollsToComplete = 1) {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, StoredBatch>();
  let next = 0;
  /** Batch ids in order of creation (for tests). */
  const created: string[] = [];

  async function complete(batch: StoredBatch): Promise<void> {
    const input = files.get(batch.input_file_id)!;
    const out: string[] = [];
    for (const line of input.text.split('\n').filter((l) => l.trim())) {
      const { custom_id, body } = JSON.parse(line) as { custom_id: string; body: unknown };
      const answer = await host.answer(body);
      // A line of the result file cut off mid-JSON, as a faulty server might write it.
      if (answer.brokenLine) {
        out.push(`{"id": "batch_req_${next++}", "custom_id": "${custom_id}", "response": {`);
        continue;
      }
      out.push(
        JSON.stringify({
          id: `batch_req_${next++}`,
          custom_id,
          response: { status_code: answer.status, request_id: `req_b${next}`, body: answer.body },
          error: null,
        }),
      );
    }
    const id = `file-out-${next++}`;
    files.set(id, { id, purpose: 'batch_output', text: `${out.join('\n')}\n` });
    batch.status = 'completed';
    batch.output_file_id = id;
    batch.request_counts = { total: out.length, completed: out.length, failed: 0 };
  }

  return {
    created,
    /** Handles the request if it is a batch route; false otherwise. */
    async handle(
      req: http.IncomingMessage,
      raw: string,
      send: (status: number, body: unknown, text?: string) => void,
    ): Promise<boolean> {
      const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
      if (req.method === 'POST' && path === '/v1/files') {
        const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '');
        const parts = raw.split(`--${boundary?.[1] ?? boundary?.[2]}`);
        const filePart = parts.find((p) => /filename=/.test(p)) ?? '';
        const purpose = /name="purpose"\r\n\r\n([^\r]*)/.exec(raw)?.[1] ?? 'batch';
        const text = filePart.slice(filePart.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
        const id = `file-${next++}`;
        files.set(id, { id, purpose, text });
        send(200, {
          id,
          object: 'file',
          bytes: text.length,
          created_at: 0,
          filename: 'input.jsonl',
          purpose,
          status: 'processed',
        });
        return true;
      }
      const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
      if (req.method === 'GET' && content) {
        const file = files.get(content[1]!);
        if (!file) send(404, { error: { message: 'no such file', type: 'invalid_request_error' } });
        else send(200, undefined, file.text);
        return true;
      }
      if (req.method === 'POST' && path === '/v1/batches') {
        const body = JSON.parse(raw) as { input_file_id: string; endpoint: string };
        const id = `batch_${next++}`;
        const batch: StoredBatch = {
          id,
          input_file_id: body.input_file_id,
          endpoint: body.endpoint,
          status: 'validating',
          output_file_id: null,
          error_file_id: null,
          polls: 0,
          request_counts: { total: 0, completed: 0, failed: 0 },
        };
        batches.set(id, batch);
        created.push(id);
        send(200, { object: 'batch', completion_window: '24h', created_at: 0, ...batch });
        return true;
      }
      const one = /^\/v1\/batches\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && one) {
        const batch = batches.get(one[1]!);
        if (!batch) {
          send(404, { error: { message: 'no such batch', type: 'invalid_request_error' } });
          return true;
        }
        if (batch.status !== 'completed' && ++batch.polls >= pollsToComplete) await complete(batch);
        else if (batch.status === 'validating') batch.status = 'in_progress';
        send(200, { object: 'batch', completion_window: '24h', created_at: 0, ...batch });
        return true;
      }
      return false;
    },
  };
}
