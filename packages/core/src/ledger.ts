import type { ModelPrice } from './config.js';
import { addUsage, emptyUsage, priceUsage, roundUsd, type PricedUsage, type TokenUsage } from './pricing.js';

/** A reservation of worst-case cost held while a call is in flight. */
export interface Reservation {
  readonly id: number;
  readonly usd: number;
}

/** What the ledger tells when the budget first refuses a call. */
export interface BudgetReached {
  /** The model of the refused call. */
  model: string;
  spentUsd: number;
  budgetUsd: number;
}

/** Options of a {@link UsageLedger}. */
export interface UsageLedgerOptions {
  /** Called once per ledger, on the first reservation the budget refuses (before `reserve` returns null). */
  onReached?: (info: BudgetReached) => void;
}

/**
 * Counts every model call per model, prices it, and enforces the budget: a call must reserve its worst-case cost
 * first, so spend can never pass the cap by more than what was already reserved by calls in flight.
 */
export class UsageLedger {
  readonly #prices: Record<string, ModelPrice>;
  readonly #budget: number | null;
  readonly #usage = new Map<string, TokenUsage>();
  readonly #cost = new Map<string, number>();
  readonly #reserved = new Map<number, number>();
  readonly #onReached: UsageLedgerOptions['onReached'];
  #next = 1;
  /** Set once a call was refused for the budget. */
  budgetReached = false;

  constructor(prices: Record<string, ModelPrice>, budgetUsd: number | null, options: UsageLedgerOptions = {}) {
    this.#prices = prices;
    this.#budget = budgetUsd;
    this.#onReached = options.onReached;
  }

  /**
   * Worst-case cost of a call: every input token uncached, at the dearer of the input and cache-write rates (a provider
   * may bill all of it as cache writes, 1.25× for Claude), and every allowed output token used.
   */
  worstCase(model: string, inputTokens: number, maxOutputTokens: number): number {
    const price = this.#prices[model];
    const writes = price?.cacheWrite !== undefined && price.cacheWrite > price.input;
    return priceUsage(
      {
        requests: 1,
        inputTokens,
        cachedInputTokens: 0,
        outputTokens: maxOutputTokens,
        ...(writes ? { cacheWriteInputTokens: inputTokens } : {}),
      },
      price,
    );
  }

  /**
   * Reserves a call's worst-case cost; null (and budgetReached) when it would cross the budget. The first refusal
   * calls `onReached`; later ones do not (the run already stops starting calls).
   */
  reserve(model: string, inputTokens: number, maxOutputTokens: number): Reservation | null {
    const usd = this.worstCase(model, inputTokens, maxOutputTokens);
    if (this.#budget !== null && this.spentUsd() + this.reservedUsd() + usd > this.#budget) {
      const first = !this.budgetReached;
      this.budgetReached = true;
      if (first) this.#onReached?.({ model, spentUsd: this.spentUsd(), budgetUsd: this.#budget });
      return null;
    }
    const id = this.#next++;
    this.#reserved.set(id, usd);
    return { id, usd };
  }

  /** Releases a reservation (after the call finished or failed). */
  release(reservation: Reservation): void {
    this.#reserved.delete(reservation.id);
  }

  /** Records one call's usage as the API reported it, at `multiplier` × list price (0.5 for the Batch API); returns its cost. */
  record(model: string, usage: TokenUsage, multiplier = 1): number {
    const current = this.#usage.get(model) ?? emptyUsage();
    this.#usage.set(model, addUsage(current, usage));
    const cost = priceUsage(usage, this.#prices[model]) * multiplier;
    this.#cost.set(model, (this.#cost.get(model) ?? 0) + cost);
    return cost;
  }

  /** Adds what an earlier process of the same run already spent (a resumed run reports its whole cost). */
  restore(previous: Record<string, PricedUsage>): void {
    for (const [model, u] of Object.entries(previous)) {
      this.#usage.set(model, addUsage(this.#usage.get(model) ?? emptyUsage(), u));
      this.#cost.set(model, (this.#cost.get(model) ?? 0) + u.costUsd);
    }
  }

  /** USD spent so far. */
  spentUsd(): number {
    let usd = 0;
    for (const cost of this.#cost.values()) usd += cost;
    return roundUsd(usd);
  }

  /** USD held by calls in flight. */
  reservedUsd(): number {
    let usd = 0;
    for (const v of this.#reserved.values()) usd += v;
    return usd;
  }

  /** Usage and cost per model. */
  byModel(): Record<string, PricedUsage> {
    const out: Record<string, PricedUsage> = {};
    for (const [model, usage] of this.#usage) out[model] = { ...usage, costUsd: roundUsd(this.#cost.get(model) ?? 0) };
    return out;
  }

  /** Usage summed over all models. */
  total(): PricedUsage {
    const sum = emptyUsage();
    for (const usage of this.#usage.values()) addUsage(sum, usage);
    return { ...sum, costUsd: this.spentUsd() };
  }
}
