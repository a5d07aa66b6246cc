import { describe, expect, it } from 'vitest';
import { Redactor, findSecrets, isSecretName, looksRandom, redactSecrets, secretFileMatcher, secretPatternHits } from '../src/index.js';

// Credential-shaped fixtures are assembled at run time so the repository never holds one literally.
const join = (...parts: string[]) => parts.join('');
const RANDOM = 'Zq8Xv2LmP4tR9wYk3Hs7Nd1B';
const FAKE = {
  awsId: join('AKIA', 'Q3V7EXAMPLEZ2Y4W'),
  awsTemp: join('ASIA', 'Q3V7EXAMPLEZ2Y4X'),
  awsSecret: join('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY'),
  github: join('ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  gho: join('gho', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R9'),
  ghu: join('ghu', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7RA'),
  ghs: join('ghs', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7RB'),
  ghr: join('ghr', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7RC'),
  githubPat: join('github', '_pat_', '11ABCDEFG0123456789_abcdefghijklmnop'),
  openai: join('sk', '-', 'Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz0Xc1'),
  openaiProject: join('sk', '-proj-', 'Ab3De5Gh7Jk9Mn2Pq4St6Vw8Yz'),
  slack: join('xox', 'b-', '1234567890-abcdefghij'),
  slackUser: join('xox', 'p-', '1234567890-0987654321-abcdef'),
  slackHook: join('https://hooks.slack.com/', 'services/T00000000/B00000000/', 'XXXXXXXXXXXXXXXXXXXXXXXX'),
};
const KEY_BODY = 'MIIEpAIBAAKCAQEA7bq9xYz1\nQm4Tz8vR2pL0kWn5Hs3Jd7Fg\n';
const PRIVATE_KEY = join('-----BEGIN RSA ', 'PRIVATE KEY-----\n', KEY_BODY, '-----END RSA ', 'PRIVATE KEY-----');

describe('findSecrets / redactSecrets: known formats', () => {
  const cases: [string, string, string][] = [
    ['AWS access key id', FAKE.awsId, 'aws-key'],
    ['AWS temporary key id', FAKE.awsTemp, 'aws-key'],
    ['GitHub ghp_', FAKE.github, 'github-token'],
    ['GitHub gho_', FAKE.gho, 'github-token'],
    ['GitHub ghu_', FAKE.ghu, 'github-token'],
    ['GitHub ghs_', FAKE.ghs, 'github-token'],
    ['GitHub ghr_', FAKE.ghr, 'github-token'],
    ['GitHub fine-grained', FAKE.githubPat, 'github-token'],
    ['OpenAI sk-', FAKE.openai, 'openai-key'],
    ['OpenAI sk-proj-', FAKE.openaiProject, 'openai-key'],
    ['Slack bot token', FAKE.slack, 'slack-token'],
    ['Slack user token', FAKE.slackUser, 'slack-token'],
    ['Slack webhook', FAKE.slackHook, 'slack-webhook'],
  ];
  for (const [name, value, id] of cases) {
    it(`redacts a ${name} in code, in prose and in JSON`, () => {
      for (const text of [`const v = "${value}";`, `the value is ${value} here`, JSON.stringify({ v: value })]) {
        const out = redactSecrets(text);
        expect(out.count).toBe(1);
        expect(out.text).not.toContain(value);
        expect(out.text).toContain(`[REDACTED:${id}#1]`);
      }
    });
  }

  it('redacts a whole private key block, also one inside a string literal with escaped newlines', () => {
    const text = `before\n${PRIVATE_KEY}\nafter`;
    expect(redactSecrets(text).text).toBe('before\n[REDACTED:private-key#1]\nafter');
    const literal = `const pem = ${JSON.stringify(PRIVATE_KEY)};`;
    expect(redactSecrets(literal).text).toBe('const pem = "[REDACTED:private-key#1]";');
  });

  it('redacts the body of a private key block that was cut before its END line', () => {
    const cut = join('-----BEGIN ', 'PRIVATE KEY-----\n', KEY_BODY);
    const out = redactSecrets(`x\n${cut}`).text;
    expect(out).not.toContain('MIIEpAIBAAKCAQEA');
    expect(out).toContain('[REDACTED:private-key#1]');
  });

  it('redacts an AWS secret access key by its name, keeping the name', () => {
    const out = redactSecrets(`aws_secret_access_key = ${FAKE.awsSecret}\nsecretAccessKey: "${FAKE.awsSecret}"`);
    expect(out.text).toBe('aws_secret_access_key = [REDACTED:aws-secret#1]\nsecretAccessKey: "[REDACTED:aws-secret#1]"');
    expect(out.count).toBe(1); // one value, one placeholder
  });

  it('gives each distinct value its own number and every repeat the same placeholder', () => {
    const out = redactSecrets(`${FAKE.github} ${FAKE.awsId} ${FAKE.github}`);
    expect(out.text).toBe('[REDACTED:github-token#1] [REDACTED:aws-key#2] [REDACTED:github-token#1]');
  });
});

describe('findSecrets: random-looking literals assigned to secret-like names', () => {
  it('redacts the value only, for every assignment form', () => {
    const lines = [
      `const password = "${RANDOM}";`,
      `const apiKey2 = '${RANDOM}1';`,
      `let token: string = \`${RANDOM}2\`;`,
      `config.auth = "${RANDOM}3";`,
      `{ "api_key": "${RANDOM}4" }`,
      `  passwd: '${RANDOM}5',`,
      `CLIENT_SECRET=${RANDOM}6`,
      `export const credential = "${RANDOM}7";`,
      `const key = "${RANDOM}8";`,
    ];
    const out = redactSecrets(lines.join('\n')).text.split('\n');
    expect(out).toEqual([
      'const password = "[REDACTED:secret#1]";',
      "const apiKey2 = '[REDACTED:secret#2]';",
      'let token: string = `[REDACTED:secret#3]`;',
      'config.auth = "[REDACTED:secret#4]";',
      '{ "api_key": "[REDACTED:secret#5]" }',
      "  passwd: '[REDACTED:secret#6]',",
      'CLIENT_SECRET=[REDACTED:secret#7]',
      'export const credential = "[REDACTED:secret#8]";',
      'const key = "[REDACTED:secret#9]";',
    ]);
  });

  it('leaves ordinary code alone: short words, identifiers, sentences, URLs and other names', () => {
    const code = [
      "const key = 'name';",
      "const token = 'abc';",
      "const apiKey = 'userPreferencesStorageKey';", // an identifier, no digits
      'const password = "changeme-changeme-changeme";',
      'const dbPassword = "Please enter your database password here";',
      `const tokenUrl = "${RANDOM}";`,
      `const description = "${RANDOM}";`,
      "const auth = 'https://auth.example.com/oauth2/v1';",
      "map.set(key, 'value');",
      'const sk = "sk-button-primary-large";',
      'const keys = Object.keys(record);',
    ].join('\n');
    expect(findSecrets(code)).toEqual([]);
    expect(redactSecrets(code)).toEqual({ text: code, count: 0 });
  });

  it('names: the last word counts, trailing digits ignored', () => {
    for (const n of ['apiKey', 'apiKey2', 'API_KEY_2', 'api_key', 'GITHUB_TOKEN', 'dbPassword', 'clientSecret', 'auth', 'credential', 'passwd', 'key']) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ['tokenUrl', 'keyName', 'passwordField', 'description', 'authorName', 'monkey', 'keys']) {
      expect(isSecretName(n), n).toBe(false);
    }
  });

  it('values: long, random, letters and digits mixed', () => {
    expect(looksRandom(RANDOM)).toBe(true);
    expect(looksRandom('Zq8Xv2LmP4')).toBe(false); // too short
    expect(looksRandom('abcdefghijklmnopqrstuvwxyz')).toBe(false); // no digits
    expect(looksRandom('aaaaaaaaaaaaaaaaaaaaaaaa1')).toBe(false); // low entropy
    expect(looksRandom('Zq8Xv2LmP4 tR9wYk3Hs7Nd1B')).toBe(false); // a space
  });
});

describe('Redactor', () => {
  it('numbers placeholders across the texts of one request and restores them in the answer', () => {
    const r = new Redactor();
    const [a, b] = r.redactAll([`key ${FAKE.awsId}`, `again ${FAKE.awsId} and ${FAKE.slack}`]);
    expect(a).toBe('key [REDACTED:aws-key#1]');
    expect(b).toBe('again [REDACTED:aws-key#1] and [REDACTED:slack-token#2]');
    expect(r.count).toBe(2);
    expect(r.restore('x = "[REDACTED:slack-token#2]"')).toBe(`x = "${FAKE.slack}"`);
    expect(r.hasForeignPlaceholder('[REDACTED:aws-key#1]')).toBe(false);
    expect(r.hasForeignPlaceholder('[REDACTED:aws-key#7]')).toBe(true);
  });

  it('never reuses or restores a placeholder the text already holds literally', () => {
    const r = new Redactor();
    const [out] = r.redactAll([`"[REDACTED:aws-key#1]" ${FAKE.awsId}`]);
    expect(out).toBe('"[REDACTED:aws-key#1]" [REDACTED:aws-key#2]');
    expect(r.restore('[REDACTED:aws-key#1] [REDACTED:aws-key#2]')).toBe(`[REDACTED:aws-key#1] ${FAKE.awsId}`);
    expect(r.hasForeignPlaceholder('[REDACTED:aws-key#1]')).toBe(false);
  });
});

describe('secretPatternHits (the review rule)', () => {
  it('reports the line a format starts on, once per line (the leftmost), never the value', () => {
    const hits = secretPatternHits(['ok', `a = "${FAKE.github}" // ${FAKE.awsId}`, PRIVATE_KEY, 'ok'].join('\n'));
    expect(hits).toEqual([
      { line: 2, what: 'a GitHub token' },
      { line: 3, what: 'a private key block' },
    ]);
  });
});

describe('secretFileMatcher', () => {
  it('matches the built-in secret files in any directory', () => {
    const isSecret = secretFileMatcher();
    const secret = [
      '.env', 'app/.env.local', '.env.production', 'certs/server.pem', 'tls.key', 'home/.ssh/id_rsa', 'id_rsa.pub',
      'id_ed25519', 'id_ecdsa', 'id_dsa', '.npmrc', 'pkg/.netrc', 'credentials.json', 'cert.p12', 'cert.pfx',
      '.aws/credentials', 'deploy/secrets.yaml', 'secrets.json', 'ID_RSA',
    ];
    for (const f of secret) expect(isSecret(f), f).toBe(true);
    for (const f of ['src/config.ts', 'src/secrets.ts', 'src/keyboard.ts', 'environment.ts', 'src/env.ts', 'README.md']) {
      expect(isSecret(f), f).toBe(false);
    }
  });

  it('adds configured globs to the built-in ones', () => {
    const isSecret = secretFileMatcher(['*.secret', 'config/prod/**']);
    expect(isSecret('a/b/db.secret')).toBe(true);
    expect(isSecret('config/prod/app.ts')).toBe(true);
    expect(isSecret('.env')).toBe(true);
    expect(isSecret('config/dev/app.ts')).toBe(false);
  });
});
