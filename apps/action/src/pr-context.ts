// The pull request a mode works on: its head and base, the merge base, our own sticky summary (found by its marker,
// only when we wrote it: a marker anyone else wrote could fake a reviewed SHA), and the range to review. Commits the
// checkout lacks (the default checkout is the merge ref at depth 1) are fetched by SHA.
import { GitHubApiError } from '@orchestrate/core';
import { ensureCommits, type GitAuth } from '@orchestrate/engine';
import type { IssueComment, PullInfo } from './github/api.js';
import { FALLBACK_BOT_LOGIN } from './github/graphql.js';
import { parseSummaryMarker, type SummaryMarker } from './summary-comment.js';
import type { ActionContext } from './types.js';

/** Everything a mode knows about its pull request before it runs. */
export interface PrContext {
  pull: PullInfo;
  /** The login the token acts as: only comments by it are ours. */
  self: string;
  mergeBase: string;
  /** What to review: the merge base (or the last reviewed SHA) to the head. */
  range: { base: string; head: string };
  /** `incremental`: only the commits since the reviewed SHA in our summary marker; `full`: the whole pull request. */
  scope: 'full' | 'incremental';
  /** Our sticky summary comment of this kind, when one exists. */
  summary: IssueComment | null;
  marker: SummaryMarker | null;
}

/** How loadPrContext works: `kind` picks the sticky summary; `fetch: false` touches no git (post mode). */
export interface PrContextOptions {
  /** Review only the commits since the last reviewed SHA when the head still contains it. */
  incremental: boolean;
  /** Which sticky summary is ours to find and edit. @default 'review' */
  kind?: SummaryMarker['kind'];
  /** Fetch the head, the range's base and the PR base into the checkout when it lacks them. @default true */
  fetch?: boolean;
}

/** The login GitHub Actions' own token acts as; assumed when the viewer cannot be asked (the client's own fallback). */
export const DEFAULT_SELF = FALLBACK_BOT_LOGIN;

/** Loads the pull request, our summary and its marker, the review range, and makes sure its commits are local. */
export async function loadPrContext(ctx: ActionContext, n: number, o: PrContextOptions): Promise<PrContext> {
  const { api } = ctx;
  const [pull, self, comments] = await Promise.all([api.getPull(n), whoAmI(ctx), api.listIssueComments(n)]);
  const { mergeBase } = await api.compare(pull.baseSha, pull.headSha);
  const found = stickySummary(comments, self, o.kind ?? 'review');
  const full = { range: { base: mergeBase, head: pull.headSha }, scope: 'full' as const };
  const since = o.incremental && found ? await sinceReviewed(ctx, found.marker, pull.headSha) : null;
  const { range, scope } = since ?? full;
  if (o.fetch !== false) {
    const commits = [...new Set([pull.headSha, range.base, pull.baseSha])];
    await ensureCommits({ cwd: ctx.env.workspace, commits, ...authOf(ctx) });
  }
  return { pull, self, mergeBase, range, scope, summary: found?.comment ?? null, marker: found?.marker ?? null };
}

/** The first comment by `self` whose first line is a summary marker of `kind`. */
export function stickySummary(
  comments: readonly IssueComment[],
  self: string,
  kind: SummaryMarker['kind'],
): { comment: IssueComment; marker: SummaryMarker } | null {
  for (const comment of comments) {
    if (comment.author !== self) continue;
    const marker = parseSummaryMarker(comment.body);
    if (marker?.kind === kind) return { comment, marker };
  }
  return null;
}

/** The git credentials for fetches and pushes: the action's token on this server (never in argv or git config). */
export function authOf(ctx: ActionContext): { auth?: GitAuth } {
  const token = ctx.inputs.githubToken;
  return token ? { auth: { token, serverUrl: ctx.env.serverUrl } } : {};
}

/** The first 7 characters of a SHA, for people. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * The commits since the marker's reviewed SHA, when the head contains it (`ahead`). A re-run on the same head, a
 * force-push (`diverged`) or a SHA GitHub no longer knows reviews the whole pull request again: already posted
 * findings are deduplicated by fingerprint, so that costs nothing twice.
 */
async function sinceReviewed(
  ctx: ActionContext,
  marker: SummaryMarker,
  head: string,
): Promise<{ range: { base: string; head: string }; scope: 'incremental' } | null> {
  const reviewed = marker.reviewed;
  if (!reviewed || reviewed === head) return null;
  try {
    const { status } = await ctx.api.compare(reviewed, head);
    return status === 'ahead' ? { range: { base: reviewed, head }, scope: 'incremental' } : null;
  } catch (err) {
    if (!(err instanceof GitHubApiError)) throw err;
    ctx.log.line(`the last reviewed commit ${shortSha(reviewed)} is unknown (${err.status}): reviewing the whole PR`);
    return null;
  }
}

/** The token's login, or {@link DEFAULT_SELF} when GitHub cannot say (a problem for no one: markers by others are ignored). */
export async function whoAmI(ctx: ActionContext): Promise<string> {
  try {
    return await ctx.api.whoAmI();
  } catch (err) {
    if (!(err instanceof GitHubApiError)) throw err;
    ctx.log.line(`could not ask GitHub who the token is (${err.status}): assuming ${DEFAULT_SELF}`);
    return DEFAULT_SELF;
  }
}
