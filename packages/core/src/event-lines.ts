// The lines of `orchestrate exec --json` and of the MCP server's run_status: one JSON object per run event, with a
// dotted `type`. Day-0 placeholder of issue 15: part 2 replaces it with the zod schemas and the shipped JSON Schema,
// keeping these names.

/** One event line: `type`, the run's id, its 0-based sequence number, its time; the type's own fields beside. */
export interface EventLine {
  type: string;
  run_id: string | null;
  seq: number;
  ts: string;
  [field: string]: unknown;
}
