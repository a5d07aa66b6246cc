// End-to-end: secrets planted in a repository never reach the model (the real CLI against the wire-level fake server).
import { describe, it } from 'vitest';
import { docStep, fileAt, requestText, runScenario, served, withoutDocs } from './openai-script.js';

// Credential-shaped fixtures are assembled at run time so the repository never holds one literally.
const join = (...parts: string[]) => parts.join('');
const SECRET = {
  aws: join('AKIA', 'Q3V7EXAMPLEZ2Y4W'),
  github: join('ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  openai: join('sk', '-proj-', 'Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz'),
  slack: join('xox', 'b-', '1234567890-abcdefghij'),
  keyBody: 'MIIEpAIBAAKCAQEA7bq9xYz1Qm4Tz8vR2pL0kWn5Hs3Jd7Fg',
  password: 'Zq8Xv2LmP4tR9wYk3Hs7Nd1B',
  envOnly: join('sk', '-', 'EnvFile9Only8Secret7Value6X'),
  sshOnly: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUSSHONLY42',
  pemOnly: 'MIIDdzCCAl+gAwIBAgIEPEMONLY0123456789',
};
const BEGIN = (what: string) => join('-----BEGIN ', what, ' PRIVATE KEY-----');
const END = (what: string) => join('-----END ', what, ' PRIVATE KEY-----');

const CONFIG_TS = [
  'export function awsCredentials(region: string): { region: string; accessKeyId: string } {',
  `  return { region, accessKeyId: '${SECRET.aws}' };`,
  '}',
  '',
  'export function githubHeaders(repo: string): Record<string, string> {',
  `  return { repo, authorization: 'token ${SECRET.github}', slack: '${SECRET.slack}' };`,
  '}',
  '',
  'export function openaiKey(): string {',
  `  return "${SECRET.openai}";`,
  '}',
  '',
  'export function signingKey(): string {',
  `  return "${BEGIN('RSA')}\\n${SECRET.keyBody}\\n${END('RSA')}";`,
  '}',
  '',
  'export function login(user: string): string {',
  `  const password = "${SECRET.password}";`,
  '  return `${user}:${password}`;',
  '}',
  '',
].join('\n');

const FILES = {
  'src/config.ts': CONFIG_TS,
  '.env': `OPENAI_API_KEY=${SECRET.envOnly}\n`,
  id_rsa: `${BEGIN('OPENSSH')}\n${SECRET.sshOnly}\n${END('OPENSSH')}\n`,
  'certs/server.pem': `${BEGIN('EC')}\n${SECRET.pemOnly}\n${END('EC')}\n`,
};

// Formats the redactor once missed when the name around them was neutral (issue #12, section 7).
const NEUTRAL = {
  google: join('AIza', 'SyD4m9Xq2Lp7Vt0Bn3Kc8Rw5Hj1Ze6Ug_Yo'),
  stripe: join('sk', '_live_', 'a1B2c3D4e5F6g7H8i9J0k1L2'),
  npm: join('npm', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  gitlab: join('glpat', '-', 'xYz12AbC34dEf56GhI78'),
  dbPassword: 'Hunter2-s3cr3t',
  bearer: join('abc123', 'DEF456ghi789JKL0'),
  shortPassword: 'hunter2',
};
const CLIENTS_TS = [
  'export function mapsUrl(q: string): string {',
  `  return \`https://maps.example.com/?q=\${q}&k=${NEUTRAL.google}\`;`,
  '}',
  '',
  'export function billing(): { live: string; registry: string; gitlab: string } {',
  `  return { live: '${NEUTRAL.stripe}', registry: '${NEUTRAL.npm}', gitlab: '${NEUTRAL.gitlab}' };`,
  '}',
  '',
  'export function database(): string {',
  `  return 'postgres://app:${NEUTRAL.dbPassword}@db.internal:5432/app';`,
  '}',
  '',
  'export function headers(): Record<string, string> {',
  `  return { authorization: 'Bearer ${NEUTRAL.bearer}' };`,
  '}',
  '',
  'export function admin(): { user: string; password: string } {',
  `  return { user: 'root', password: '${NEUTRAL.shortPassword}' };`,
  '}',
  '',
].join('\n');

describe('secrets end to end', () => {
  it('keeps prefixed keys, URL passwords, Bearer tokens and short password literals out of every request, code intact', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await runScenario(
      {
        files: { 'src/clients.ts': CLIENTS_TS },
        task: 'add docstrings to src/clients.ts',
        script: { steps: [docStep({ paths: ['src/clients.ts'] })] },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(report!.jobs).toEqual({ total: 5, succeeded: 5, failed: 0, skipped: 0 });
    const bodies = server.log.map((e) => requestText(e.request));
    for (const value of Object.values(NEUTRAL)) for (const body of bodies) expect(body).not.toContain(value);
    const all = bodies.join('\n');
    for (const id of [
      'google-api-key',
      'stripe-key',
      'npm-token',
      'gitlab-token',
      'url-password',
      'bearer-token',
      'password',
    ]) {
      expect(all).toContain(`[REDACTED:${id}#`);
    }
    const committed = fileAt(repo, report!.branch, 'src/clients.ts');
    expect(withoutDocs(committed)).toBe(CLIENTS_TS);
    expect((report!.warnings as string[]).find((w) => w.startsWith('redacted '))).toBe(
      'redacted 7 secret-looking strings from model requests',
    );
  });

  it('sends no secret in any request, still documents the file with its code intact, and reports the secret files', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await runScenario(
      {
        files: FILES,
        task: 'add docstrings to src/config.ts',
        script: { steps: [docStep({ paths: ['src/config.ts'] })] },
      },
      onTestFinished,
    );
    const { repo, server, report } = run;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(report!.status).toBe('completed');
    expect(report!.jobs).toEqual({ total: 5, succeeded: 5, failed: 0, skipped: 0 });

    // Planner, every worker and the verifier were called, and not one request body holds a secret value.
    expect(served(server, 'planner')).toHaveLength(1);
    expect(served(server, 'worker')).toHaveLength(5);
    expect(served(server, 'verifier').length).toBeGreaterThan(0);
    const bodies = server.log.map((e) => requestText(e.request));
    for (const value of Object.values(SECRET)) {
      for (const body of bodies) expect(body).not.toContain(value);
    }
    // The secret-bearing code was sent, with placeholders in place of the values.
    const all = bodies.join('\n');
    for (const id of ['aws-key', 'github-token', 'openai-key', 'slack-token', 'private-key', 'secret'])
      expect(all).toContain(`[REDACTED:${id}#`);

    // The docs are committed against the real text: the code, secrets included, is exactly as it was.
    const committed = fileAt(repo, report!.branch, 'src/config.ts');
    expect(withoutDocs(committed)).toBe(CONFIG_TS);
    expect(committed.match(/\/\*\*/g)).toHaveLength(5);
    expect(committed).toContain(SECRET.aws);

    // The secret files are skipped with their reason, and the redactions are counted.
    for (const file of ['.env', 'id_rsa', 'certs/server.pem']) {
      expect(report!.warnings).toContain(`skipped ${file}: secret file (never sent to a model)`);
    }
    const redacted = (report!.warnings as string[]).find((w) => w.startsWith('redacted '));
    expect(redacted).toMatch(/^redacted \d+ secret-looking strings from model requests$/);
  });

  it('secrets.redact: false sends the code as it is (the check above can fail), secret files stay out all the same', async ({
    expect,
    onTestFinished,
  }) => {
    const run = await runScenario(
      {
        files: FILES,
        config: 'export default { secrets: { redact: false, files: ["src/extra/**"] } };\n',
        task: 'add docstrings to src/config.ts',
        script: { steps: [docStep({ paths: ['src/config.ts'] })] },
      },
      onTestFinished,
    );
    const { server, report } = run;
    expect(run.exitCode, run.stderr).toBe(0);
    const all = server.log.map((e) => requestText(e.request)).join('\n');
    for (const value of [SECRET.aws, SECRET.github, SECRET.openai, SECRET.slack, SECRET.keyBody, SECRET.password])
      expect(all).toContain(value);
    for (const value of [SECRET.envOnly, SECRET.sshOnly, SECRET.pemOnly]) expect(all).not.toContain(value);
    expect(all).not.toContain('[REDACTED:');
    expect((report!.warnings as string[]).some((w) => w.startsWith('redacted '))).toBe(false);
  });
});
