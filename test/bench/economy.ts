// What a run's served requests cost, per role: billed tokens, list price, and the price with prompt caching.
import { DEFAULTS } from '@orchestrate/core';
import type { BenchRole, ServedMeta, VerifierShape } from './answers.js';

/** The served requests of one role (or all of them). */
export interface RoleEconomy {
  calls: number;
  /** Jobs covered (worker items, verdicts; 1 per planner call). */
  items: number;
  inputTokens: number;
  /** Of `inputTokens`, cached under prompt caching (`PromptCache`). */
  cachedTokens: number;
  outputTokens: number;
  /** The longest stable prefix (instructions + schema) of a request: under 1,024 nothing is cached. */
  maxPrefixTokens: number;
  /** USD at list prices, no cache discount. */
  usd: number;
  /** USD with the cached tokens at the cached-input price. */
  usdCached: number;
}

/** A run's economy: per role, in all, and what the model said (escalations, rejections) and was asked for. */
export interface Economy {
  roles: Partial<Record<BenchRole, RoleEconomy>>;
  total: RoleEconomy;
  escalated: number;
  rejected: number;
  /** Some worker schema offered `escalate` (the engine's self-escalation is on). */
  escalateOffered: boolean;
  /** The verifier's answer shape (null with no verifier call). */
  verifierShape: VerifierShape | null;
}

type Price = { input: number; cachedInput: number; output: number };

const empty = (): RoleEconomy => ({
  ...{ calls: 0, items: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, maxPrefixTokens: 0 },
  ...{ usd: 0, usdCached: 0 },
});

function add(to: RoleEconomy, m: ServedMeta, p: Price | undefined): void {
  to.calls++;
  to.items += m.items;
  to.inputTokens += m.inputTokens;
  to.cachedTokens += m.cachedTokens;
  to.outputTokens += m.outputTokens;
  to.maxPrefixTokens = Math.max(to.maxPrefixTokens, m.prefixTokens);
  if (!p) {
    to.usd = to.usdCached = NaN;
    return;
  }
  const out = m.outputTokens * p.output;
  to.usd += (m.inputTokens * p.input + out) / 1e6;
  to.usdCached += ((m.inputTokens - m.cachedTokens) * p.input + m.cachedTokens * p.cachedInput + out) / 1e6;
}

/** The economy of served requests (their models priced from `prices`, by model ref). */
export function economyOf(served: ServedMeta[], prices: Record<string, Price> = DEFAULTS.prices): Economy {
  const roles: Economy['roles'] = {};
  const total = empty();
  const out: Economy = { roles, total, escalated: 0, rejected: 0, escalateOffered: false, verifierShape: null };
  for (const m of served) {
    const price = prices[m.model];
    add((roles[m.role] ??= empty()), m, price);
    add(total, m, price);
    out.escalated += m.escalated;
    out.rejected += m.rejected;
    out.escalateOffered ||= m.escalateOffered;
    out.verifierShape ??= m.verifierShape;
  }
  return out;
}

/** `usd` per 1,000 of `jobs` (null with no jobs). */
export function per1000(usd: number, jobs: number): number | null {
  return jobs > 0 ? (usd / jobs) * 1000 : null;
}
