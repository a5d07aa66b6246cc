// The two action runners themselves, on a probe action that uses the real toolkit (@actions/core 3, @actions/github 9
// from apps/action's dependencies): inputs in, outputs, step summary and failure out, API calls to the fake GitHub with
// the token, nothing of this machine's model or GitHub environment let through. The cases use the same runners.
import { afterEach, describe, expect, it } from 'vitest';
import { realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../fake/github-server.js';
import { ACTION_DIR, dotenvLine, events, parseOutputFile, runners, tempDir } from '../helpers/action.js';
import { makeRepo } from '../helpers/repo.js';

const dep = (name: string, file: string) =>
  path.join(realpathSync(path.join(ACTION_DIR, 'node_modules', ...name.split('/'))), 'lib', file);

/** A probe action in a temporary folder: `probe.ts` for local-action, `dist.mjs` for plain node. */
function probeAction(): { dir: string } {
  const dir = tempDir('orch-probe-');
  const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
  write('package.json', JSON.stringify({ name: 'probe', private: true, type: 'module' }));
  write(
    'action.yml',
    [
      'name: probe',
      'description: probe',
      'inputs:',
      '  who: { description: who, default: world }',
      '  fail: { description: fail }',
      'outputs:',
      '  greeting: { description: greeting }',
      'runs: { using: node24, main: dist.mjs }',
      '',
    ].join('\n'),
  );
  write(
    'probe-impl.mjs',
    `import * as core from ${JSON.stringify(dep('@actions/core', 'core.js'))};
import { getOctokit } from ${JSON.stringify(dep('@actions/github', 'github.js'))};
import { readFileSync } from 'node:fs';
export async function run() {
  const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));
  const octokit = getOctokit(core.getInput('github-token'), { baseUrl: process.env.GITHUB_API_URL });
  const [owner, repo] = process.env.GITHUB_REPOSITORY.split('/');
  const pull = await octokit.rest.pulls.get({ owner, repo, pull_number: event.number });
  core.setOutput('greeting', JSON.stringify('hello ' + core.getInput('who')));
  core.setOutput('head', pull.data.head.sha);
  core.setOutput('leak', String(process.env.OPENAI_API_KEY ?? 'none') + ' ' + String(process.env.GITHUB_TOKEN ?? 'none'));
  core.setOutput('where', process.env.GITHUB_WORKSPACE === process.env.PROBE_WORKSPACE ? 'workspace' : 'elsewhere');
  await core.summary.addRaw('# probe summary').write();
  if (core.getInput('fail')) core.setFailed('asked to fail: 100%');
}
`,
  );
  write('probe.ts', "export { run } from './probe-impl.mjs';\n");
  write('dist.mjs', "import { run } from './probe-impl.mjs';\nawait run();\n");
  return { dir };
}

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setUp(): Promise<{ github: FakeGitHub; workspace: string }> {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  repo.git('checkout', '-q', '-b', 'feature');
  repo.write('a.txt', 'b\n');
  repo.commit('change');
  const bare = path.join(tempDir('orch-origin-'), 'origin.git');
  repo.git('clone', '--quiet', '--bare', repo.dir, bare);
  repo.cleanup();
  fake = await startFakeGitHub({ bareRepo: bare, pulls: [{ number: 1, headRef: 'feature', baseRef: 'main' }] });
  return { github: fake, workspace: tempDir('orch-ws-') };
}

describe.each(['dist', 'local'] as const)('the %s runner', (kind) => {
  it('passes inputs, reads outputs, the step summary and the API calls; lets no model key or token through', async () => {
    const { github, workspace } = await setUp();
    const saved = { key: process.env.OPENAI_API_KEY, token: process.env.GITHUB_TOKEN };
    process.env.OPENAI_API_KEY = 'sk-machine';
    process.env.GITHUB_TOKEN = 'ghp_machine';
    try {
      const who = 'it\'s "quoted"\nand two lines';
      const run = await runners[kind]({
        workspace,
        event: events.pullRequest(github, 1),
        inputs: { who, 'github-token': github.token },
        github,
        env: { PROBE_WORKSPACE: workspace },
        action: { dir: probeAction().dir, entry: kind === 'local' ? 'probe.ts' : 'dist.mjs' },
      });
      expect(run.failed, run.stdout + run.stderr).toBeNull();
      expect(run.exitCode).toBe(0);
      expect(JSON.parse(run.outputs.greeting!)).toBe(`hello ${who}`);
      expect(run.outputs.head).toBe(github.pull(1).headSha);
      expect(run.outputs.leak).toBe('none none');
      expect(run.outputs.where).toBe('workspace');
      expect(run.summary).toContain('# probe summary');
      expect(github.calls.map((c) => [c.method, c.path, c.status])).toEqual([
        ['GET', '/repos/acme/widgets/pulls/1', 200],
      ]);
    } finally {
      process.env.OPENAI_API_KEY = saved.key;
      process.env.GITHUB_TOKEN = saved.token;
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
      if (saved.token === undefined) delete process.env.GITHUB_TOKEN;
    }
  });

  it('reports setFailed as `failed` (dist: exit 1; local-action sets no exit code)', async () => {
    const { github, workspace } = await setUp();
    const run = await runners[kind]({
      workspace,
      event: events.pullRequest(github, 1),
      inputs: { fail: 'yes', 'github-token': github.token },
      github,
      action: { dir: probeAction().dir, entry: kind === 'local' ? 'probe.ts' : 'dist.mjs' },
    });
    expect(run.failed).toBe('asked to fail: 100%');
    expect(run.exitCode).toBe(kind === 'dist' ? 1 : 0);
    // local-action applies action.yml defaults itself (the real getInput does not: the runner does).
    expect(JSON.parse(run.outputs.greeting!)).toBe(kind === 'local' ? 'hello world' : 'hello ');
  });
});

describe('runner helpers', () => {
  it('parses GITHUB_OUTPUT heredocs and lines; writes .env lines dotenv reads back', () => {
    expect(parseOutputFile('a<<ghadelimiter_1\nx\ny\nghadelimiter_1\nb=2\n')).toEqual({ a: 'x\ny', b: '2' });
    expect(dotenvLine('INPUT_TASK', 'a\nb')).toBe("INPUT_TASK='a\nb'");
    expect(dotenvLine('INPUT_TASK', "it's")).toBe("INPUT_TASK=`it's`");
  });
});
