import { describe, expect, it } from 'vitest';
import {
  Redactor,
  findSecrets,
  isSecretName,
  looksRandom,
  redactSecrets,
  secretFileMatcher,
  secretPatternHits,
} from '../src/index.js';

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
// Deterministic fillers of an exact length: mixed-case alphanumerics, or lowercase hex.
const alnum = (n: number) => 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0'.repeat(4).slice(0, n);
const hex = (n: number) => '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'.repeat(2).slice(0, n);
const letters = (n: number) => 'aBcDeFgHiJkLmNoPqRsTuVwXyZ'.repeat(3).slice(0, n);
const FORMATS = {
  google: join('AIza', 'SyD4m9Xq2Lp7Vt0Bn3Kc8Rw5Hj1Ze6Ug_Yo'),
  stripeLive: join('sk', '_live_', alnum(24)),
  stripeRestricted: join('rk', '_live_', alnum(24)),
  stripeTest: join('sk', '_test_', alnum(24)),
  stripePublic: join('pk', '_live_', alnum(24)),
  stripeWebhook: join('whsec', '_', alnum(32)),
  npm: join('npm', '_', alnum(36)),
  gitlab: join('glpat', '-', 'xYz12AbC34dEf56GhI78'),
  gitlabDeploy: join('gldt', '-', 'xYz12AbC34dEf56GhI78'),
  twilioKey: join('SK', hex(32)),
  twilioAccount: join('AC', hex(32)),
  sendgrid: join('SG', '.', alnum(22), '.', alnum(43)),
  mailgun: join('key', '-', hex(32)),
  heroku: join('HRKU', '-', alnum(60)),
  digitalocean: join('dop', '_v1_', hex(64)),
  shopify: join('shpat', '_', hex(32)),
  pypi: join('pypi', '-AgEIcHlwaS5vcmc', alnum(60)),
  dockerhub: join('dckr', '_pat_', alnum(27)),
  anthropic: join('sk', '-ant-api03-', alnum(40)),
  huggingface: join('hf', '_', letters(34)),
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
    ['Google API key', FORMATS.google, 'google-api-key'],
    ['Stripe live secret key', FORMATS.stripeLive, 'stripe-key'],
    ['Stripe restricted key', FORMATS.stripeRestricted, 'stripe-key'],
    ['Stripe test secret key', FORMATS.stripeTest, 'stripe-key'],
    ['Stripe publishable key', FORMATS.stripePublic, 'stripe-key'],
    ['Stripe webhook secret', FORMATS.stripeWebhook, 'stripe-key'],
    ['npm token', FORMATS.npm, 'npm-token'],
    ['GitLab personal token', FORMATS.gitlab, 'gitlab-token'],
    ['GitLab deploy token', FORMATS.gitlabDeploy, 'gitlab-token'],
    ['Twilio API key', FORMATS.twilioKey, 'twilio-key'],
    ['Twilio account SID', FORMATS.twilioAccount, 'twilio-key'],
    ['SendGrid key', FORMATS.sendgrid, 'sendgrid-key'],
    ['Mailgun key', FORMATS.mailgun, 'mailgun-key'],
    ['Heroku key', FORMATS.heroku, 'heroku-key'],
    ['DigitalOcean token', FORMATS.digitalocean, 'digitalocean-token'],
    ['Shopify token', FORMATS.shopify, 'shopify-token'],
    ['PyPI token', FORMATS.pypi, 'pypi-token'],
    ['Docker Hub token', FORMATS.dockerhub, 'dockerhub-token'],
    ['Anthropic key', FORMATS.anthropic, 'anthropic-key'],
    ['Hugging Face token', FORMATS.huggingface, 'huggingface-token'],
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
    expect(out.text).toBe(
      'aws_secret_access_key = [REDACTED:aws-secret#1]\nsecretAccessKey: "[REDACTED:aws-secret#1]"',
    );
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
      'const token = `${prefix}' + RANDOM + '9`;',
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
      'const token = `[REDACTED:secret#10]`;',
    ]);
  });

  it('leaves ordinary code alone: short words, identifiers, sentences, URLs and other names', () => {
    const code = [
      "const key = 'name';",
      "const token = 'abc';",
      "const apiKey = 'userPreferencesStorageKey';", // an identifier, no digits
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
    for (const n of [
      'apiKey',
      'apiKey2',
      'API_KEY_2',
      'api_key',
      'GITHUB_TOKEN',
      'dbPassword',
      'clientSecret',
      'auth',
      'credential',
      'passwd',
      'key',
    ]) {
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

describe('findSecrets: secrets known by their context (URLs, headers, password-like names)', () => {
  const BEARER = join('abc123', 'DEF456ghi789JKL0');
  const PASS = 'Hunter2-s3cr3t';
  const BASIC = Buffer.from(`deploy:${PASS}`).toString('base64');
  const AZURE = join('Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu', 'Fq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==');

  it('redacts the password of a URL of any scheme, keeping the user, the host and the rest', () => {
    const cases = [
      [
        `const url = "postgres://app:${PASS}@db.internal:5432/app";`,
        'const url = "postgres://app:[REDACTED:url-password#1]@db.internal:5432/app";',
      ],
      [
        `DATABASE_URL=mysql://root:${PASS}@localhost/db`,
        'DATABASE_URL=mysql://root:[REDACTED:url-password#1]@localhost/db',
      ],
      [
        `see https://bot:${PASS}@git.example.com/x.git`,
        'see https://bot:[REDACTED:url-password#1]@git.example.com/x.git',
      ],
      [`redis://:${PASS}@cache:6379`, 'redis://:[REDACTED:url-password#1]@cache:6379'],
      ['amqp://user:pass@host', 'amqp://user:[REDACTED:url-password#1]@host'],
    ];
    for (const [text, want] of cases) expect(redactSecrets(text!).text).toBe(want);
  });

  it('redacts credentials in a URL query string (token, api_key, password, sig)', () => {
    const out = redactSecrets(`fetch("https://api.example.com/v1?api_key=${BEARER}&page=2&token=${PASS}")`).text;
    expect(out).toBe(
      'fetch("https://api.example.com/v1?api_key=[REDACTED:url-credential#1]&page=2&token=[REDACTED:url-credential#2]")',
    );
  });

  it('redacts a Bearer token and a Basic credential in a header string, keeping the scheme', () => {
    expect(redactSecrets(`headers: { Authorization: 'Bearer ${BEARER}' }`).text).toBe(
      "headers: { Authorization: 'Bearer [REDACTED:bearer-token#1]' }",
    );
    expect(redactSecrets(`-H "authorization: bearer ${BEARER}"`).text).toBe(
      '-H "authorization: bearer [REDACTED:bearer-token#1]"',
    );
    expect(redactSecrets(`{ authorization: "Basic ${BASIC}" }`).text).toBe(
      '{ authorization: "Basic [REDACTED:basic-auth#1]" }',
    );
  });

  it('redacts an Azure storage account key in a connection string, and a Heroku API key by its name', () => {
    const conn = `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${AZURE};EndpointSuffix=core.windows.net`;
    expect(redactSecrets(conn).text).toBe(
      'DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED:azure-storage-key#1];EndpointSuffix=core.windows.net',
    );
    const uuid = '0f3c2a9e-5b7d-4e1a-9c8b-2d6f4a1e3b7c';
    expect(redactSecrets(`HEROKU_API_KEY: "${uuid}"`).text).toBe('HEROKU_API_KEY: "[REDACTED:heroku-key#1]"');
  });

  it('redacts any non-empty literal assigned to a password-like name, however short', () => {
    const lines = [
      'const password = "hunter2";',
      "  password: 'pw',",
      '{ "db_password": "s3cret!" }',
      "const clientSecret = 'abc';",
      'let passwd = `letmein`;',
      'user.pwd = "1234";',
      "const passphrase = 'correct-horse';",
      'const password = "changeme";',
      'DB_PASSWORD=hunter2',
      'ADMIN_PASS=qwerty',
    ];
    expect(redactSecrets(lines.join('\n')).text.split('\n')).toEqual([
      'const password = "[REDACTED:password#1]";',
      "  password: '[REDACTED:password#2]',",
      '{ "db_password": "[REDACTED:password#3]" }',
      "const clientSecret = '[REDACTED:password#4]';",
      'let passwd = `[REDACTED:password#5]`;',
      'user.pwd = "[REDACTED:password#6]";',
      "const passphrase = '[REDACTED:password#7]';",
      'const password = "[REDACTED:password#8]";',
      'DB_PASSWORD=[REDACTED:password#1]',
      'ADMIN_PASS=[REDACTED:password#9]',
    ]);
  });

  it('keeps the round trip: a worker echoing a short password placeholder gets the real literal back', () => {
    const r = new Redactor();
    const [sent] = r.redactAll(['const password = "hunter2";']);
    expect(sent).toBe('const password = "[REDACTED:password#1]";');
    expect(r.count).toBe(1);
    expect(r.restore('/** The password. */\nconst password = "[REDACTED:password#1]";')).toBe(
      '/** The password. */\nconst password = "hunter2";',
    );
  });
});

describe('findSecrets: ordinary code and data stay as they are', () => {
  it('leaves hashes, ids, lockfile integrity, URLs without credentials, prose and code alone', () => {
    const text = [
      // lockfiles and git
      'integrity sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR7J1IaqP0Sq2zTkVWw==',
      '"integrity": "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR7J1IaqP0Sq2zTkVWw=="',
      'resolved "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz#5b8a3a7765dfe001261dde915589e782f8c94d1e"',
      'commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b',
      `const sha = "${hex(64)}";`,
      "const id = '0f3c2a9e-5b7d-4e1a-9c8b-2d6f4a1e3b7c';",
      // URLs and headers without a credential in them
      'const api = "https://api.example.com:8443/v1/users?page=2&sort=name";',
      'git clone git@github.com:acme/app.git',
      'const url = `${proto}://${user}:${password}@${host}/db`;',
      'const dsn = "postgres://user:${DB_PASSWORD}@db/app";',
      "headers.authorization = 'Bearer ' + token;",
      'headers.authorization = `Bearer ${token}`;',
      '// Bearer authentication (also called token authentication) and Basic authentication',
      "{ authorization: 'Basic ' + btoa(`${user}:${pass}`) }",
      // names and values that only look alike
      'const password = "";',
      'const password = process.env.PASSWORD;',
      'password = opts.password;',
      'const passwordField = "password";',
      "const placeholder = { password: 'Enter your password' };",
      'password: z.string().min(8),',
      'const dbPassword = "Please enter your database password here";',
      "const hf_model_name = 'bert';",
      'process.env.npm_config_cache;',
      "const stripe = require('stripe')(process.env.STRIPE_SECRET_KEY);",
      "const kind = 'sk_live_mode';",
      "const cls = 'key-value-store';",
      'export const SKIP_TESTS = true;',
      'const ACCOUNT = "AC_MILAN";',
      // keys that are names: words, camelCase, versions
      "cacheKey: 'orchestrate-planner-v1',",
      "export const FINGERPRINT_KEY = 'orchestrateFingerprint/v1';",
      "const storageKey = 'app-settings-2024_UserPrefs';",
      'cacheKey: `orchestrate-worker-${job.kind}-pack-v1`,',
      'const key = `stainless-node-retry-${uuid4()}`;',
      "env: { PWD: '/Users/ada', HOME: '/Users/ada' },",
      "sanitized.password = '[REDACTED]';",
    ].join('\n');
    expect(findSecrets(text).map((m) => [m.id, text.slice(m.start, m.end)])).toEqual([]);
    expect(secretPatternHits(text)).toEqual([]);
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
      '.env',
      'app/.env.local',
      '.env.production',
      'certs/server.pem',
      'tls.key',
      'home/.ssh/id_rsa',
      'id_rsa.pub',
      'id_ed25519',
      'id_ecdsa',
      'id_dsa',
      '.npmrc',
      'pkg/.netrc',
      'credentials.json',
      'cert.p12',
      'cert.pfx',
      '.aws/credentials',
      'deploy/secrets.yaml',
      'secrets.json',
      'ID_RSA',
    ];
    for (const f of secret) expect(isSecret(f), f).toBe(true);
    for (const f of [
      'src/config.ts',
      'src/secrets.ts',
      'src/keyboard.ts',
      'environment.ts',
      'src/env.ts',
      'README.md',
    ]) {
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
