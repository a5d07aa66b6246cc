import { describe, expect, it } from 'vitest';
import type { ReviewFinding } from '@orchestrate/core';
import { formatFindingMarker, parseFindingMarker } from '../src/comment-body.js';
import { fileDiffs } from '../src/diff-hunks.js';
import type { ReviewComment, ReviewThread } from '../src/github/api.js';
import { planPublication, postedFindings, type PostedFinding } from '../src/reconcile.js';

const SELF = 'github-actions[bot]';
const fp = (n: number) => n.toString(16).padStart(32, '0');

function finding(n: number, line: number, extra: Partial<ReviewFinding> = {}): ReviewFinding {
  return {
    file: 'a.ts',
    line,
    endLine: line,
    severity: 'warning',
    ruleId: `rule-${n}`,
    message: `finding ${n}`,
    source: 'rule',
    fingerprint: fp(n),
    code: [`code ${n}`],
    ...extra,
  };
}

let nextId = 100;
/** A review comment; its body ends with the marker of `n` unless `body` is given. */
function comment(n: number, extra: Partial<ReviewComment> = {}): ReviewComment {
  const id = nextId++;
  return {
    id,
    nodeId: `RC_${id}`,
    author: SELF,
    body: `text\n\n${formatFindingMarker({ v: 1, fp: fp(n), sev: 'warning', rule: `rule-${n}` })}`,
    htmlUrl: `https://github.test/pr/1#r${id}`,
    path: 'a.ts',
    line: 10,
    startLine: null,
    inReplyTo: null,
    ...extra,
  };
}
const thread = (c: ReviewComment, isResolved = false): ReviewThread => ({
  id: `T_${c.id}`,
  isResolved,
  firstCommentId: c.id,
});

/** `a.ts` with every line 1..100 added (one hunk), `b.ts` with a patch GitHub did not send. */
const diffs = fileDiffs([
  {
    path: 'a.ts',
    previousPath: null,
    status: 'added',
    patch: ['@@ -0,0 +1,100 @@', ...Array.from({ length: 100 }, (_, i) => `+${i + 1}`)].join('\n'),
  },
  { path: 'b.ts', previousPath: null, status: 'modified', patch: null },
]);
const plan = (o: Partial<Parameters<typeof planPublication>[0]>) =>
  planPublication({ findings: [], posted: [], diffs, maxComments: 25, scope: 'full', known: [], ...o });
const fps = (list: readonly ReviewFinding[]) => list.map((f) => f.fingerprint);

describe('postedFindings', () => {
  it('takes our own top-level comments with a valid marker, each with its thread', () => {
    const mine = comment(1);
    const resolved = comment(2, { author: 'GitHub-Actions[bot]' });
    const posted = postedFindings([mine, resolved], [thread(mine), thread(resolved, true)], SELF);
    expect(posted.map((p) => [p.marker.fp, p.threadId, p.resolved])).toEqual([
      [fp(1), `T_${mine.id}`, false],
      [fp(2), `T_${resolved.id}`, true],
    ]);
  });

  it('ignores markers by other authors, replies, comments without a marker, and a marker not on the last line', () => {
    const spoofed = comment(1, { author: 'mallory' });
    const reply = comment(2, { inReplyTo: 5 });
    const plain = comment(3, { body: 'LGTM' });
    const quoted = comment(4, { body: `${comment(4).body}\n\nquoted` });
    expect(postedFindings([spoofed, reply, plain, quoted], [], SELF)).toEqual([]);
  });

  it('has no thread when GraphQL gave none', () => {
    const [p] = postedFindings([comment(1)], [], SELF);
    expect(p).toMatchObject({ threadId: null, resolved: false });
  });
});

describe('planPublication', () => {
  it('posts new findings as RIGHT-side comments whose bodies carry their markers', () => {
    const out = plan({ findings: [finding(1, 5), finding(2, 7, { endLine: 9, fix: { replacement: 'x\ny\nz' } })] });
    expect(out.post.map((p) => ({ ...p.comment, body: parseFindingMarker(p.comment.body)?.fp }))).toEqual([
      { path: 'a.ts', line: 5, side: 'RIGHT', body: fp(1) },
      { path: 'a.ts', line: 9, startLine: 7, startSide: 'RIGHT', side: 'RIGHT', body: fp(2) },
    ]);
    expect(out.post[1]!.comment.body).toContain('```suggestion\nx\ny\nz\n```');
    expect(out).toMatchObject({ overflow: [], unplaced: [], already: [], gone: [], open: [] });
  });

  it('never posts a fingerprint again, wherever its lines moved and even when its thread was resolved', () => {
    const c1 = comment(1, { line: 10 });
    const c2 = comment(2, { line: 20 });
    const posted = postedFindings([c1, c2], [thread(c1), thread(c2, true)], SELF);
    // Finding 1 moved from line 10 to 14 (the same code, so the same fingerprint); 2 is there still; 3 is new.
    const out = plan({ findings: [finding(1, 14), finding(2, 20), finding(3, 30)], posted });
    expect(fps(out.already)).toEqual([fp(1), fp(2)]);
    expect(fps(out.post.map((p) => p.finding))).toEqual([fp(3)]);
    expect(out.open.map((p) => p.comment.id)).toEqual([c1.id]);
    expect(out.gone).toEqual([]);
  });

  it('posts one comment for a fingerprint found twice in a run', () => {
    expect(plan({ findings: [finding(1, 5), finding(1, 6)] }).post).toHaveLength(1);
  });

  it('caps a run at max-comments, errors first, the rest in the findings’ order to overflow', () => {
    const findings = [
      finding(1, 1, { severity: 'note' }),
      finding(2, 2),
      finding(3, 3, { severity: 'error' }),
      finding(4, 4),
      finding(5, 5, { severity: 'error' }),
    ];
    const out = plan({ findings, maxComments: 3 });
    // Posted in the findings' order (the review reads top to bottom), chosen by severity.
    expect(fps(out.post.map((p) => p.finding))).toEqual([fp(2), fp(3), fp(5)]);
    expect(fps(out.overflow)).toEqual([fp(1), fp(4)]);
    expect(plan({ findings, maxComments: 0 }).post).toEqual([]);
    expect(plan({ findings, maxComments: Number.NaN }).overflow).toHaveLength(5);
    expect(plan({ findings, maxComments: Infinity }).post).toHaveLength(5);
  });

  it('lists findings it cannot place with why, and does not count them against the cap', () => {
    const out = plan({
      findings: [finding(1, 500), finding(2, 3, { file: 'b.ts' }), finding(3, 3, { file: 'c.ts' }), finding(4, 4)],
      maxComments: 1,
    });
    expect(out.unplaced.map((u) => [u.finding.fingerprint, u.reason])).toEqual([
      [fp(1), 'none of its lines were changed by the pull request'],
      [fp(2), 'GitHub shows no diff for the file (binary or too large)'],
      [fp(3), 'the file is not part of the pull request’s diff'],
    ]);
    expect(fps(out.post.map((p) => p.finding))).toEqual([fp(4)]);
  });

  it('refuses to post a finding whose fingerprint could not be found again (it would repeat on every push)', () => {
    const out = plan({ findings: [finding(1, 3, { fingerprint: 'not-a-fingerprint' })] });
    expect(out.post).toEqual([]);
    expect(out.unplaced[0]!.reason).toMatch(/fingerprint/);
  });

  it('full scope: an unresolved posted finding not found again is gone; resolved ones are left alone', () => {
    const [kept, fixed, dismissed] = [comment(1), comment(2), comment(3)];
    const posted = postedFindings(
      [kept, fixed, dismissed],
      [thread(kept), thread(fixed), thread(dismissed, true)],
      SELF,
    );
    const out = plan({ findings: [finding(1, 10)], posted, scope: 'full' });
    expect(out.gone.map((p) => p.comment.id)).toEqual([fixed.id]);
    expect(out.open.map((p) => p.comment.id)).toEqual([kept.id]);
  });

  it('incremental scope: gone only when not found again and GitHub shows its comment outdated', () => {
    const [outdated, untouched, foundAgain] = [comment(1, { line: null }), comment(2), comment(3, { line: null })];
    const posted = postedFindings([outdated, untouched, foundAgain], [], SELF);
    const out = plan({ findings: [finding(3, 40)], posted, scope: 'incremental' });
    expect(out.gone.map((p) => p.comment.id)).toEqual([outdated.id]);
    expect(out.open.map((p) => p.comment.id)).toEqual([untouched.id, foundAgain.id]);
    expect(fps(out.already)).toEqual([fp(3)]);
    // The same posted findings under a full review: the untouched one is gone too.
    expect(plan({ findings: [finding(3, 40)], posted, scope: 'full' }).gone).toHaveLength(2);
  });

  it('passes the known secrets to every body', () => {
    const key = 'sk-known-value-that-is-long';
    const out = plan({ findings: [finding(1, 3, { message: `key ${key}` })], known: [key] });
    expect(out.post[0]!.comment.body).not.toContain(key);
  });

  it('ignores a marker from another author: its finding is posted by us', () => {
    const posted: PostedFinding[] = postedFindings([comment(1, { author: 'mallory' })], [], SELF);
    expect(plan({ findings: [finding(1, 3)], posted }).post).toHaveLength(1);
  });
});
