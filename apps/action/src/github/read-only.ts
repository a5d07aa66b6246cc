// The GitHub API with its writes taken away, for `collect`: the unprivileged half of the fork-safe pair must make no
// write call at all, so a write that code attempts is a bug (InternalError), refused before any request is sent.
import { InternalError } from '@orchestrate/core';
import type { GitHubApi } from './api.js';

/** The write methods of GitHubApi; with `Omit`/`Pick` below, a new method does not compile until it is put on a side. */
type WriteMethod =
  | 'createReview'
  | 'createIssueComment'
  | 'updateIssueComment'
  | 'resolveThread'
  | 'minimizeComment'
  | 'createPull'
  | 'addReaction';

function refuse(name: WriteMethod): () => Promise<never> {
  return () => Promise.reject(new InternalError(`a read-only GitHub API (mode collect) was asked to ${name}`));
}

/** `api` whose reads pass through and whose every write rejects with InternalError without a request. */
export function readOnly(api: GitHubApi): GitHubApi {
  const reads: Omit<GitHubApi, WriteMethod> = {
    whoAmI: () => api.whoAmI(),
    getPull: (n) => api.getPull(n),
    listPullFiles: (n) => api.listPullFiles(n),
    compare: (base, head) => api.compare(base, head),
    findPulls: (head) => api.findPulls(head),
    listIssueComments: (n) => api.listIssueComments(n),
    listReviewComments: (n) => api.listReviewComments(n),
    listReviewThreads: (n) => api.listReviewThreads(n),
    permission: (login) => api.permission(login),
  };
  const writes: Pick<GitHubApi, WriteMethod> = {
    createReview: refuse('createReview'),
    createIssueComment: refuse('createIssueComment'),
    updateIssueComment: refuse('updateIssueComment'),
    resolveThread: refuse('resolveThread'),
    minimizeComment: refuse('minimizeComment'),
    createPull: refuse('createPull'),
    addReaction: refuse('addReaction'),
  };
  return { ...reads, ...writes } satisfies GitHubApi;
}
