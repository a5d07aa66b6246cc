import { DEFAULTS, EXIT_CODES } from '@orchestrate/core';

/** Exit codes: 0 all jobs succeeded; 1 some failed or the budget stopped the run; 2 usage, config or environment error; 130 interrupted. */
export const EXIT = EXIT_CODES;

/** The part of `orchestrate --help` after the options: examples, defaults, environment variables and exit codes. */
export const MAIN_HELP = `
Examples:
  orchestrate "add docstrings to the public API of src/"     plan, work, verify; commit on a new branch
  orchestrate --dry-run "add unit tests for src/math.ts"     show the plan, the jobs and the estimate; spend nothing on jobs
  orchestrate --budget 0.50 --worker gpt-5.4-mini "format the code"
  orchestrate review main..HEAD --fail-on error             annotate the changed lines (no edits)
  orchestrate runs                                          list runs; then: show <id>, apply <id>, undo <id>, resume <id>
  orchestrate models                                        roles → provider, model, price, capabilities, concurrency, keys
  orchestrate doctor                                        check each provider with one tiny call (exit 1 when one fails)
  orchestrate exec --json "add docstrings to src/"          for programs: one JSON event line per run event on stdout
  orchestrate plan "add docstrings to src/" --shards 8      plan once, split the jobs into shards for a CI matrix
  orchestrate run --plan orchestrate-plan.json --shard 2/8 --out shard-2   run one shard into a bundle
  orchestrate merge shard-*                                 the shards' bundles onto one branch, one report
  orchestrate mcp --root .                                  serve orchestrate's tools to an agent over MCP (stdio)
  orchestrate help review                                   help for one command

Defaults (set in agents.config.ts at the repository root, or the file given with --config):
  engine ${DEFAULTS.engine} (openai when OPENAI_API_KEY is set, else the offline rules)
  models: planner ${DEFAULTS.models.planner}, worker ${DEFAULTS.models.worker}, verifier ${DEFAULTS.models.verifier}
  planning ${DEFAULTS.planning} (the rules plan a task they map, with no planner call; else the planner model)
  concurrency: the worker provider's default (OpenAI 64; \`orchestrate models\` shows it); no budget cap unless --budget
  or budgetUsd is set

Environment:
  OPENAI_API_KEY     the key of the openai engine (without it, auto = offline)
  OPENAI_BASE_URL    an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1)
  CI                 when set, progress is printed as plain lines, never as a live line
  ORCHESTRATE_DEBUG  when set, say why the CLI runs from source instead of its bundle

Exit codes:
  ${EXIT.ok}    every job succeeded (or nothing needed doing)
  ${EXIT.failures}    some jobs failed, the budget stopped the run, or review --fail-on matched
  ${EXIT.usage}    usage, config or environment error (the message says what to do)
  ${EXIT.interrupted}  interrupted (Ctrl-C): \`orchestrate resume <run-id>\` finishes it without paying twice

Your working tree, index and current branch are never touched: the work lands on a branch orchestrate/<run-id>.
`;

/** Examples for `orchestrate review --help`. */
export const REVIEW_HELP = `
Examples:
  orchestrate review                      the current branch and its uncommitted changes, against the merge base
                                          with the default branch
  orchestrate review --no-working-tree    committed changes only
  orchestrate review main..feature        a range
  orchestrate review HEAD~3 --sarif review.sarif --markdown review.md --fail-on warning

Exit codes: 0 done (no finding at --fail-on severity), 1 a finding at or above --fail-on, 2 usage or environment error.
`;

/** Examples for `orchestrate resume --help`. */
export const RESUME_HELP = `
Examples:
  orchestrate resume                      the newest interrupted or detached run
  orchestrate resume 20250101-120000-ab12 --budget 1

A resumed run keeps the engine, models, concurrency and budget it was started with unless they are given again.
`;

/** Examples and the line contract for `orchestrate exec --help`. */
export const EXEC_HELP = `
Examples:
  orchestrate exec --json "add docstrings to src/" > run.jsonl
  orchestrate exec --jsonl --budget 0.50 -C ../repo "format the code" | jq -c 'select(.type == "job.failed")'
  orchestrate exec --schema > run-events.schema.json

With --json (or --jsonl), stdout holds only event lines: one JSON object per line, each with type, run_id, seq (0, 1,
2, …) and ts. The first line is run.started (or error); the last is run.completed, or error when the run failed
(run.completed then error when a model failure stopped it). Types may be added: skip the types you do not know. The
JSON Schema (draft 2020-12) is printed by --schema. Progress goes to stderr as plain lines. There is no prompt.

Ctrl-C once: the run stops, verified work is committed, and the lines go on to run.completed (status interrupted).
Twice: an error line (E_INTERRUPTED) with the command that resumes the run.

Exit codes: ${EXIT.ok} completed, ${EXIT.failures} some jobs failed or the budget stopped the run, ${EXIT.usage} usage, config or
environment error, ${EXIT.interrupted} interrupted (each run.completed line has its exit_code).
`;

/** Examples and exit codes for `orchestrate models --help` (`orchestrate help models`). */
export const MODELS_HELP = `
Examples:
  orchestrate models                           the table: role, model ref, provider, model id, price per M tokens
  orchestrate models --json                    the same for programs
  orchestrate models --worker azure-eu:my-nano what a run with --worker azure-eu:my-nano would use

Each role's model is <provider>:<model> (a bare name is the openai provider); providers are set in agents.config.ts
(\`providers\`, see the README's Providers section). Keys are read from the environment and shown as set / missing /
not needed by their variable's name, never their value. A model without a price counts $0, so --budget cannot hold
for it. No model is called.

Exit codes: ${EXIT.ok} listed, ${EXIT.usage} usage or config error.
`;

/** Examples and exit codes for `orchestrate doctor --help` (`orchestrate help doctor`). */
export const DOCTOR_HELP = `
Examples:
  orchestrate doctor                           one { ok: boolean } call per model (at most 16 output tokens)
  orchestrate doctor --json                    the checks (a failed one with its error code), usage and cost as JSON

Each distinct model the roles use (planner, worker, verifier, models.workers) is called once, at most 6 calls (each
provider at least once; any model left is named as not checked): ok (latency, tokens, cost, whether the answer matched
the schema), failed (the error: a rejected key, an unknown model or deployment, an unreachable server, with what to
check) or not checked (its key is missing, or the engine is offline). It also lists what one call cannot check: whether a
server enforces the schema, an Azure deployment's data zone, OpenRouter's routing, rate limits, prices.

Exit codes: ${EXIT.ok} no check failed (not-checked providers included), ${EXIT.failures} a check failed, ${EXIT.usage} usage or config error,
${EXIT.interrupted} interrupted.
`;

/** Examples and exit codes for `orchestrate plan --help`. */
export const PLAN_HELP = `
Examples:
  orchestrate plan "add docstrings to src/" --shards 8               writes ./orchestrate-plan.json
  orchestrate plan "add docstrings to src/" --shards 8 --json        the plan file on stdout too (its "matrix" for CI)
  orchestrate plan "format the code" --shards 4 --budget 2 --out plan.json

The planner is called here, once; nothing else runs (no branch, no worktree, no worker call). Jobs are split by file (a
file's jobs stay together), balanced by estimated tokens; each shard gets the budget's share of its tokens. With fewer
files than shards, there is one shard per file (no empty matrix entry). The plan names the base commit (HEAD, or
--from): every shard must run on a checkout that has it.

Exit codes: ${EXIT.ok} written, ${EXIT.usage} usage, config or environment error.
`;

/** Examples and exit codes for `orchestrate run --help`. */
export const RUN_PLAN_HELP = `
Examples:
  orchestrate run --plan orchestrate-plan.json --shard 2/8 --out shard-2     one shard; its bundle in shard-2/
  orchestrate run --plan orchestrate-plan.json                               the whole plan as one run (a branch)

No planner call: the plan file's steps run from its base commit. The run id is shard-<plan id>-<i>of<N>: the same
command after a kill resumes the shard without paying again for answers received; after the run ended it writes the
bundle again. The bundle (bundle.json, report.json, journal.jsonl, plan.json, steps/<n>-<step>.patch) is what
\`orchestrate merge\` reads. --budget replaces the shard's share of the plan's budget.

Exit codes: ${EXIT.ok} every job succeeded, ${EXIT.failures} some failed or the budget stopped the shard, ${EXIT.usage} usage or environment error,
${EXIT.interrupted} interrupted (run the same command again to finish it).
`;

/** Examples and exit codes for `orchestrate merge --help`. */
export const MERGE_HELP = `
Examples:
  orchestrate merge shard-1 shard-2 shard-3           one branch orchestrate/<id> with the shards' work, one report
  orchestrate merge bundles --json                    a folder of bundle folders (or one bundle); JSON summary

Every bundle must come from the same plan and base commit (that commit must be in this repository). Each plan step is
one commit: the patches of every shard for step 1, then step 2 …, with the comment-only / formatting-only proof and a
syntax check run again on each merged file (a file that fails is left out and reported). A missing shard, or one that
did not finish or whose patch does not apply, is named with its jobs; the others are still merged. The run is like any:
\`orchestrate show <id>\`, \`apply <id>\`, \`undo <id>\`.

Exit codes: ${EXIT.ok} every shard merged, ${EXIT.failures} a shard is missing or failed (or a job failed), ${EXIT.usage} usage or environment
error (bundles of another plan, a dir that is not a bundle).
`;
