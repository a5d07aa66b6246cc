// The fake GitHub's writes: reviews checked like GitHub's, comments outdated when their lines change, issue comments,
// reactions, new pull requests, and the GraphQL thread operations.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, fakeOver, gh, graphql, PR, THREADS, workRepo } from './github-fixture.js';

afterEach(cleanUp);

describe('fake GitHub: reviews like GitHub', () => {
  const comment = (line: number, extra: object = {}) => ({
    path: 'src/a.txt',
    line,
    side: 'RIGHT',
    body: `at ${line}`,
    ...extra,
  });

  it('posts a review whose comments lie in the hunks; lists them with a thread each', async () => {
    const work = workRepo();
    const { fake } = await fakeOver(work);
    const head = work.git('rev-parse', 'feature').trim();
    const review = {
      commit_id: head,
      event: 'COMMENT',
      body: 'summary',
      comments: [comment(5), comment(4, { start_line: 2, start_side: 'RIGHT' }), comment(27)],
    };
    const res = await gh(fake, 'POST', `${PR}/reviews`, review);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'COMMENTED', commit_id: head });
    const listed = (await gh(fake, 'GET', `${PR}/comments`)).body as any[];
    expect(listed.map((c) => [c.line, c.start_line, c.user.login, c.position])).toEqual([
      [5, null, 'github-actions[bot]', 5],
      [4, 2, 'github-actions[bot]', 3],
      [27, null, 'github-actions[bot]', 10],
    ]);
    expect(fake.state.threads.map((t) => t.firstCommentId)).toEqual(listed.map((c) => c.id));
    expect(fake.writes().map((c) => c.path)).toEqual([`${PR}/reviews`]);
  });

  it.each([
    ['a line outside every hunk', comment(15), 'Line could not be resolved'],
    ['a path not in the PR', { ...comment(5), path: 'README.md' }, 'Path could not be resolved'],
    ['a range crossing two hunks', comment(30, { start_line: 5 }), 'must be part of the same hunk'],
    ['a start after the end', comment(5, { start_line: 6 }), 'must precede the end line'],
    ['a line of a removed file on the RIGHT', { ...comment(1), path: 'src/gone.txt' }, 'Line could not be resolved'],
    ['an empty body', comment(5, { body: ' ' }), "can't be blank"],
  ])('refuses the whole review (422, nothing posted) for %s', async (_name, bad, message) => {
    const { fake } = await fakeOver(workRepo());
    const res = await gh(fake, 'POST', `${PR}/reviews`, { event: 'COMMENT', body: '', comments: [comment(5), bad] });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Unprocessable Entity');
    expect(String(res.body.errors[0])).toContain(message);
    expect(fake.state.reviewComments).toEqual([]);
  });

  it('refuses a commit_id outside the PR, keeps a review without event pending (invisible), one pending at a time', async () => {
    const work = workRepo();
    const { fake } = await fakeOver(work);
    const main = work.git('rev-parse', 'main').trim();
    expect(
      (await gh(fake, 'POST', `${PR}/reviews`, { commit_id: main, event: 'COMMENT', comments: [comment(5)] })).body
        .errors[0],
    ).toContain('not part of the pull request');
    expect(
      (await gh(fake, 'POST', `${PR}/reviews`, { commit_id: 'f'.repeat(40), event: 'COMMENT' })).body.errors[0],
    ).toContain('No commit found');
    expect((await gh(fake, 'POST', `${PR}/reviews`, { comments: [comment(5)] })).body.state).toBe('PENDING');
    expect((await gh(fake, 'GET', `${PR}/comments`)).body).toEqual([]);
    expect((await gh(fake, 'POST', `${PR}/reviews`, { comments: [comment(27)] })).body.errors[0]).toContain(
      'one pending review',
    );
  });

  it('outdates a comment whose lines changed (line null) and moves one whose lines only shifted', async () => {
    const work = workRepo();
    const { fake, push } = await fakeOver(work);
    await gh(fake, 'POST', `${PR}/reviews`, { event: 'COMMENT', comments: [comment(5), comment(30)] });
    work.git('checkout', '-q', 'feature');
    work.write(
      'src/a.txt',
      work
        .read('src/a.txt')
        .replace('line five\n', 'line 5 fixed\n')
        .replace('line 20\n', 'line 20\nextra a\nextra b\n'),
    );
    const head = work.commit('fix five, grow');
    push('feature');
    const listed = (await gh(fake, 'GET', `${PR}/comments`)).body as any[];
    expect(listed.map((c) => [c.original_line, c.line, c.position === null])).toEqual([
      [5, null, true],
      [30, 32, false],
    ]);
    expect(listed[1].commit_id).toBe(head);
    expect(fake.state.threads.map((t) => t.isOutdated)).toEqual([true, false]);
  });

  it('replies to a review comment in its thread', async () => {
    const { fake } = await fakeOver(workRepo());
    await gh(fake, 'POST', `${PR}/reviews`, { event: 'COMMENT', comments: [comment(5)] });
    const [first] = fake.state.reviewComments;
    const reply = await gh(fake, 'POST', `${PR}/comments`, { body: 'thanks', in_reply_to: first!.id });
    expect(reply.status).toBe(201);
    expect(reply.body.in_reply_to_id).toBe(first!.id);
    expect(fake.state.threads).toHaveLength(1);
    expect(fake.state.threads[0]!.commentIds).toEqual([first!.id, reply.body.id]);
  });
});

describe('fake GitHub: issue comments, reactions, pull requests', () => {
  it('creates, lists (paged), edits and reacts to issue comments; refuses a body over 65,536 characters', async () => {
    const { fake } = await fakeOver(workRepo());
    for (let i = 0; i < 102; i++)
      expect((await gh(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: `c${i}` })).status).toBe(201);
    const pageTwo = await gh(fake, 'GET', '/repos/acme/widgets/issues/1/comments?per_page=100&page=2');
    expect(pageTwo.body.map((c: any) => c.body)).toEqual(['c100', 'c101']);
    const id = pageTwo.body[0].id as number;
    expect((await gh(fake, 'PATCH', `/repos/acme/widgets/issues/comments/${id}`, { body: 'edited' })).body.body).toBe(
      'edited',
    );
    expect((await gh(fake, 'PATCH', '/repos/acme/widgets/issues/comments/1', { body: 'x' })).status).toBe(404);
    const long = await gh(fake, 'POST', '/repos/acme/widgets/issues/1/comments', { body: 'x'.repeat(65_537) });
    expect(long.status).toBe(422);
    expect(JSON.stringify(long.body.errors)).toContain('Body is too long');
    expect(
      (await gh(fake, 'POST', `/repos/acme/widgets/issues/comments/${id}/reactions`, { content: 'eyes' })).status,
    ).toBe(201);
    expect(
      (await gh(fake, 'POST', `/repos/acme/widgets/issues/comments/${id}/reactions`, { content: 'wow' })).status,
    ).toBe(422);
    expect(fake.state.reactions).toEqual([{ commentId: id, content: 'eyes', user: 'github-actions[bot]' }]);
    expect(fake.state.issueComments.find((c) => c.id === id)).toMatchObject({
      body: 'edited',
      issue: 1,
      author: 'github-actions[bot]',
    });
  });

  it('opens a PR from a pushed branch; refuses a duplicate, a missing branch and an empty one', async () => {
    const work = workRepo();
    const { fake, push } = await fakeOver(work);
    work.git('checkout', '-q', '-b', 'orchestrate/run-1', 'feature');
    work.write('src/new.txt', 'hello again\n');
    work.commit('verified');
    push('orchestrate/run-1');
    const made = await gh(fake, 'POST', '/repos/acme/widgets/pulls', {
      title: 'orchestrate',
      body: 'b',
      head: 'orchestrate/run-1',
      base: 'feature',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ number: 2, base: { ref: 'feature' }, head: { ref: 'orchestrate/run-1' } });
    expect((await gh(fake, 'GET', `/repos/acme/widgets/pulls/2/files`)).body.map((f: any) => f.filename)).toEqual([
      'src/new.txt',
    ]);
    expect(fake.state.pulls).toHaveLength(2);
    const again = await gh(fake, 'POST', '/repos/acme/widgets/pulls', {
      title: 't',
      head: 'acme:orchestrate/run-1',
      base: 'feature',
    });
    expect(again.body.errors[0].message).toContain('already exists');
    expect(
      (await gh(fake, 'POST', '/repos/acme/widgets/pulls', { title: 't', head: 'nope', base: 'main' })).body.errors[0]
        .field,
    ).toBe('head');
    expect(
      (await gh(fake, 'POST', '/repos/acme/widgets/pulls', { title: 't', head: 'main', base: 'feature' })).body
        .errors[0].message,
    ).toContain('No commits');
  });
});

describe('fake GitHub: GraphQL', () => {
  it('answers viewer: a bot login without [bot]', async () => {
    const { fake } = await fakeOver(workRepo());
    expect((await graphql(fake, 'query { viewer { login __typename } }')).body.data.viewer).toMatchObject({
      login: 'github-actions',
      __typename: 'Bot',
    });
    const user = await fakeOver(workRepo(), { self: { login: 'ann', type: 'User' } });
    expect((await graphql(user.fake, '{ viewer { login __typename } }')).body.data.viewer).toMatchObject({
      login: 'ann',
      __typename: 'User',
    });
    expect((await gh(user.fake, 'GET', '/user')).body.login).toBe('ann');
    expect((await gh(fake, 'GET', '/user')).status).toBe(403);
  });

  it('pages reviewThreads, resolves a thread and minimizes a comment (variables or literals)', async () => {
    const { fake } = await fakeOver(workRepo());
    const comments = [5, 6, 27].map((line) => ({ path: 'src/a.txt', line, body: `at ${line}` }));
    await gh(fake, 'POST', `${PR}/reviews`, { event: 'COMMENT', comments });
    const vars = { owner: 'acme', repo: 'widgets', number: 1 };
    const one = (await graphql(fake, THREADS, vars)).body.data.repository.pullRequest.reviewThreads;
    expect(one.nodes).toHaveLength(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = (await graphql(fake, THREADS, { ...vars, after: one.pageInfo.endCursor })).body.data.repository
      .pullRequest.reviewThreads;
    expect(two.pageInfo.hasNextPage).toBe(false);
    const ids = [...one.nodes, ...two.nodes].map((t: any) => t.comments.nodes[0].databaseId);
    expect(ids).toEqual(fake.state.reviewComments.map((c) => c.id));
    const thread = two.nodes[0].id as string;
    const resolved = await graphql(
      fake,
      'mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { isResolved } } }',
      { id: thread },
    );
    expect(resolved.body.data.resolveReviewThread.thread.isResolved).toBe(true);
    expect(fake.state.threads.find((t) => t.id === thread)!.isResolved).toBe(true);
    const node = fake.state.reviewComments[0]!.nodeId;
    const min = await graphql(
      fake,
      `mutation { minimizeComment(input: { subjectId: "${node}", classifier: OUTDATED }) { minimizedComment { isMinimized } } }`,
    );
    expect(min.body.data.minimizeComment.minimizedComment.isMinimized).toBe(true);
    expect(fake.state.minimized).toEqual([{ nodeId: node, classifier: 'OUTDATED' }]);
    const missing = await graphql(
      fake,
      'mutation { resolveReviewThread(input: {threadId: "PRRT_nope"}) { thread { id } } }',
    );
    expect(missing.body.errors[0].type).toBe('NOT_FOUND');
    expect(fake.writes().map((c) => c.graphql?.name ?? c.path)).toEqual([
      `${PR}/reviews`,
      'resolveReviewThread',
      'minimizeComment',
      'resolveReviewThread',
    ]);
  });
});
