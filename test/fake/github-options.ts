// How the fake GitHub is set up: its pull requests over a bare repository, its token and who the token acts as.
import type { Permission } from '../../apps/action/src/github/api.js';

/** A pull request of the fake: its head is `refs/heads/<headRef>`, or `refs/pull/<n>/head` for a fork's. */
export interface FakePullSpec {
  number: number;
  headRef: string;
  baseRef: string;
  /** The fork the head lives in (`owner/name`); its commits are under `refs/pull/<n>/head` of the bare repository. */
  fork?: string;
  title?: string;
  body?: string;
  /** The PR's author. @default 'contributor' */
  user?: string;
  /** @default 'open' */
  state?: 'open' | 'closed';
  /** @default false */
  draft?: boolean;
}

/** How the fake is set up. */
export interface FakeGitHubOptions {
  /** @default 'acme' */
  owner?: string;
  /** @default 'widgets' */
  repo?: string;
  /** The "origin": PR heads are its refs (fork heads: refs/pull/N/head), so a push by the action or the test moves the PR. */
  bareRepo: string;
  pulls: FakePullSpec[];
  /** The token every request must carry. @default 'ghs_fake_token' */
  token?: string;
  /** Who the token acts as. @default { login: 'github-actions', type: 'Bot' } (REST shows `github-actions[bot]`) */
  self?: { login: string; type: 'Bot' | 'User' };
  /** A fork PR's token: every write is refused with 403. */
  readOnly?: boolean;
  /** Repository permissions by login (others: none). */
  permissions?: Record<string, Permission>;
  /** Branches a pre-receive hook in the bare repository refuses pushes to. */
  protectedBranches?: string[];
  /** A GHES-style prefix every REST path must carry (`/api/v3`; GraphQL is then at `/api/graphql`). @default '' */
  pathPrefix?: string;
  /** The web address in html_url fields. @default 'https://github.com' */
  serverUrl?: string;
}
