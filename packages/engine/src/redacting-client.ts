import { CallFailed, type ModelClient, type StructuredCall, type StructuredResult } from '@orchestrate/agents';
import { Redactor } from '@orchestrate/repo';

/** Secret values redacted so far, shared by the clients of one run (the direct one and the Batch API one). */
interface Tally {
  count: number;
}

const tallies = new WeakMap<ModelClient, Tally>();

/**
 * Wraps a model client so that no request carries a secret-looking string: every call (planner, worker, verifier;
 * instructions and input) is the one choke point, so context packs, repository summaries and AGENTS.md are all covered.
 * Only what is sent is redacted; the texts edits are computed against stay real. The model's echo of a placeholder is
 * put back into the output, so code a worker returns keeps its real literal, and an invented placeholder fails the call.
 * `shareWith` counts into another wrapper's tally. With `redact: false` the client is returned as it is.
 */
export function redactingClient<C extends ModelClient | null>(
  inner: C,
  options: { redact: boolean },
  shareWith?: ModelClient | null,
): C {
  if (!inner || !options.redact) return inner;
  const tally = (shareWith && tallies.get(shareWith)) || { count: 0 };
  // Everything but `call` (detached, priceMultiplier, throttling, faults, and whatever is added later) is the inner
  // client's, through the prototype, so the wrapper can sit outermost without hiding any of it.
  const client: ModelClient = Object.create(inner) as ModelClient;
  client.call = async <T>(request: StructuredCall<T>): Promise<StructuredResult<T>> => {
    const redactor = new Redactor();
    const [instructions = request.instructions, input = request.input] = redactor.redactAll([
      request.instructions,
      request.input,
    ]);
    tally.count += redactor.count;
    if (redactor.count === 0) return inner.call(request);
    const result = await inner.call({ ...request, instructions, input });
    if (redactor.hasForeignPlaceholder(JSON.stringify(result.output))) {
      throw new CallFailed(
        'the model output holds a redaction placeholder that was not in its input',
        result.usage,
        false,
      );
    }
    return { ...result, output: restoreStrings(result.output, (s) => redactor.restore(s)) as T };
  };
  tallies.set(client, tally);
  return client as C;
}

/** How many secret-looking strings a redacting client (and the clients sharing its tally) kept from the models. */
export function redactionCount(client: ModelClient | null): number {
  return (client && tallies.get(client)?.count) || 0;
}

/** The report's warning about redactions, if there were any. */
export function redactionWarnings(client: ModelClient | null): string[] {
  const n = redactionCount(client);
  return n ? [`redacted ${n} secret-looking string${n === 1 ? '' : 's'} from model requests`] : [];
}

/** Every string inside a JSON-shaped value passed through `fn` (keys included: packed outputs are keyed by job). */
function restoreStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => restoreStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fn(k), restoreStrings(v, fn)]));
  }
  return value;
}
