// The shipped JSON Schema of the event lines (schema/run-events.schema.json) is generated from the zod schemas: this
// test fails when the file is stale, and `UPDATE_SCHEMAS=1 npx vitest run packages/core/test/event-lines-schema.test.ts`
// rewrites it (formatted by Prettier, as `pnpm lint` checks it; the comparison is of the JSON, not of its layout).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_LINE_SCHEMAS, EVENT_LINES_SCHEMA_ID, EventLine, eventLinesJsonSchema } from '../src/index.js';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'run-events.schema.json');
const generated = `${JSON.stringify(eventLinesJsonSchema(), null, 2)}\n`;

function compile(schema: unknown) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema as object);
}

const ts = '2026-01-02T03:04:05.678Z';
const started = {
  type: 'run.started',
  run_id: '20260102-030405-ab12',
  seq: 0,
  ts,
  schema: 'orchestrate.events/1',
  task: 'add docstrings',
  engine: 'offline',
  models: { planner: 'offline', worker: 'offline', verifier: 'offline' },
  base_commit: 'a'.repeat(40),
  branch: 'orchestrate/20260102-030405-ab12',
  dry_run: false,
  resumed: false,
  scope: null,
  budget_usd: null,
  dirty: false,
};

describe('run-events.schema.json', () => {
  it('is what eventLinesJsonSchema() generates (UPDATE_SCHEMAS=1 rewrites it)', async () => {
    if (process.env.UPDATE_SCHEMAS) {
      const options = { ...(await resolveConfig(FILE)), filepath: FILE };
      writeFileSync(FILE, await format(generated, options));
    }
    expect(existsSync(FILE), 'run UPDATE_SCHEMAS=1 to write it').toBe(true);
    expect(JSON.parse(readFileSync(FILE, 'utf8')), 'stale: run with UPDATE_SCHEMAS=1').toEqual(JSON.parse(generated));
  });

  it('is a draft 2020-12 schema with an $id, one branch per line type', () => {
    const schema = JSON.parse(generated) as { $schema: string; $id: string; oneOf: unknown[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(EVENT_LINES_SCHEMA_ID);
    expect(schema.oneOf).toHaveLength(Object.keys(EVENT_LINE_SCHEMAS).length);
  });

  it('accepts a line that gains a field, while the strict form refuses it', () => {
    const tolerant = compile(JSON.parse(generated));
    const strict = compile(z.toJSONSchema(EventLine, { target: 'draft-2020-12', io: 'output' }));
    expect(tolerant(started), JSON.stringify(tolerant.errors)).toBe(true);
    expect(strict(started), JSON.stringify(strict.errors)).toBe(true);
    const grown = { ...started, later_field: 1 };
    expect(tolerant(grown)).toBe(true);
    expect(strict(grown)).toBe(false);
    expect(EventLine.parse(started)).toEqual(started);
  });

  it('refuses an unknown type, a missing field, a bad time, and a null run id outside an error line', () => {
    const validate = compile(JSON.parse(generated));
    expect(validate({ ...started, type: 'run.begun' })).toBe(false);
    const { task: _task, ...noTask } = started;
    expect(validate(noTask)).toBe(false);
    expect(validate({ ...started, ts: 'yesterday' })).toBe(false);
    expect(validate({ ...started, run_id: null })).toBe(false);
    const error = { type: 'error', run_id: null, seq: 0, ts, code: 'E_NOT_GIT_REPO', message: 'x', exit_code: 2 };
    expect(validate({ ...error, resume: null, report_path: null })).toBe(true);
    expect(validate(error)).toBe(false);
  });

  it('uses snake_case field names only', () => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const props = (node as { properties?: Record<string, unknown> }).properties;
      if (props) for (const k of Object.keys(props)) keys.add(k);
      Object.values(node).forEach(walk);
    };
    walk(JSON.parse(generated));
    expect([...keys].filter((k) => !/^[a-z][a-z0-9_]*$/.test(k))).toEqual([]);
  });
});
