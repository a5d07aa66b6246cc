/** Per-model request limits from the config. */
export interface ModelRateLimit {
  /** Requests per minute. */
  rpm?: number | undefined;
  /** Tokens per minute (input estimate + output cap). */
  tpm?: number | undefined;
}

/** What a limiter reports when it slows down. */
export interface ThrottleEvent {
  model: string;
  /** The concurrency now allowed for the model. */
  concurrency: number;
  reason: string;
}

const WINDOW_MS = 60_000;

/**
 * Adaptive concurrency and request budgets for one model. Concurrency starts at the configured maximum, halves on every
 * 429 (at most once per second) and grows back by one after each run of successes (additive increase, multiplicative
 * decrease). Requests and tokens per minute are sliding-window budgets: a request waits until it fits.
 */
export class ModelLimiter {
  #limit: number;
  #active = 0;
  #successes = 0;
  #lastDecrease = Number.NEGATIVE_INFINITY;
  readonly #waiters: (() => void)[] = [];
  readonly #window: { at: number; tokens: number }[] = [];
  /** How many 429s were seen. */
  throttled = 0;
  /** The lowest concurrency the limiter went down to. */
  minConcurrency: number;

  constructor(
    readonly model: string,
    readonly max: number,
    readonly limits: ModelRateLimit,
    private readonly onThrottle: (event: ThrottleEvent) => void = () => {},
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.#limit = max;
    this.minConcurrency = max;
  }

  /** The concurrency allowed now. */
  get concurrency(): number {
    return this.#limit;
  }

  /** Waits for a slot and for the per-minute budgets; returns the function that releases the slot. */
  async acquire(tokens: number): Promise<() => void> {
    while (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#active++;
    try {
      await this.#fitWindow(tokens);
    } catch (err) {
      this.#release();
      throw err;
    }
    return () => this.#release();
  }

  /** Tells the limiter a request succeeded (grows concurrency back, one step per `limit` successes). */
  success(): void {
    if (this.#limit >= this.max) return;
    if (++this.#successes >= this.#limit) {
      this.#successes = 0;
      this.#limit++;
      this.#wake();
    }
  }

  /** Tells the limiter the API answered 429: halve the concurrency (once per second at most). */
  rateLimited(): void {
    this.throttled++;
    const t = this.now();
    if (t - this.#lastDecrease < 1_000) return;
    this.#lastDecrease = t;
    this.#successes = 0;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.minConcurrency = Math.min(this.minConcurrency, this.#limit);
    this.onThrottle({ model: this.model, concurrency: this.#limit, reason: 'the API answered 429 (rate limited)' });
  }

  async #fitWindow(tokens: number): Promise<void> {
    const { rpm, tpm } = this.limits;
    if (!rpm && !tpm) return;
    for (;;) {
      const t = this.now();
      while (this.#window.length && t - this.#window[0]!.at >= WINDOW_MS) this.#window.shift();
      const used = this.#window.reduce((n, w) => n + w.tokens, 0);
      const fitsRpm = !rpm || this.#window.length < rpm;
      const fitsTpm = !tpm || used + tokens <= tpm || this.#window.length === 0;
      if (fitsRpm && fitsTpm) {
        this.#window.push({ at: t, tokens });
        return;
      }
      const waitMs = Math.max(10, WINDOW_MS - (t - this.#window[0]!.at));
      this.onThrottle({
        model: this.model,
        concurrency: this.#limit,
        reason: `${!fitsRpm ? 'requests' : 'tokens'} per minute limit: waiting ${Math.ceil(waitMs / 1000)} s`,
      });
      await this.sleep(waitMs);
    }
  }

  #release(): void {
    this.#active--;
    this.#wake();
  }

  #wake(): void {
    while (this.#waiters.length && this.#active < this.#limit) this.#waiters.shift()!();
  }
}
