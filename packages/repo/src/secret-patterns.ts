// The credential formats the detector knows, after the rule lists of well-kept secret scanners (gitleaks,
// detect-secrets, trufflehog): prefixes and shapes only, no vendor-name guessing, so ordinary code stays untouched.

/** A credential format that is a secret wherever it appears: code, comments, config files, prose. */
export interface SecretPattern {
  /** Short stable id, used in placeholders: `[REDACTED:<id>#n]`. */
  id: string;
  /** What it looks like, e.g. `a GitHub token` (findings name this, never the value). */
  what: string;
  /** Global regex; the `v` group, when present, is the secret part (the rest is context that stays). */
  re: RegExp;
  /** A further check of a match (the secret part and the named groups), for shapes a regex alone over-matches. */
  valid?: (value: string, groups: Record<string, string | undefined>) => boolean;
}

const KEY_HEADER = String.raw`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`;
const KEY_FOOTER = String.raw`-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`;

/** Whether a value is a template or variable reference (`${x}`, `{{x}}`, `$X`, `%s`, `****`, `[REDACTED]`), not a value itself. */
export function isPlaceholderValue(value: string): boolean {
  return (
    value.includes('${') ||
    value.includes('{{') ||
    value.includes('[REDACTED:') ||
    /^\$[A-Za-z_{(]/.test(value) ||
    /^%[a-z]$/.test(value) ||
    /^<[^>]*>$/.test(value) ||
    /^([*xX.•])\1*$/.test(value) ||
    /^\[?REDACTED\]?$/i.test(value)
  );
}

/** Whether `value` is base64 of `user:password` (what a Basic authorization header carries), not a word. */
function isBasicCredential(value: string): boolean {
  if (value.length % 4 === 1) return false;
  const text = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) && /^[^:]+:.+$/.test(text);
}

const hasDigit = (v: string) => /[0-9]/.test(v);
const mixedCase = (v: string) => /[a-z]/.test(v) && /[A-Z]/.test(v);

/** Query-string parameters that carry a credential. */
const CREDENTIAL_PARAMS =
  /^(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|id[_-]?token|refresh[_-]?token|private[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|sig|signature)$/i;

/** Credential formats in the order they are tried (earlier wins where matches overlap). */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { id: 'private-key', what: 'a private key block', re: new RegExp(`${KEY_HEADER}[\\s\\S]*?${KEY_FOOTER}`, 'g') },
  // A block cut short (e.g. a context pack cut at its token cap): the header and the base64 lines after it.
  {
    id: 'private-key',
    what: 'a private key block',
    re: new RegExp(`${KEY_HEADER}(?:[A-Za-z0-9+/=:\\s"'\`,]|\\\\[nr])*`, 'g'),
  },
  { id: 'aws-key', what: 'an AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  {
    id: 'aws-secret',
    what: 'an AWS secret access key',
    re: /(?:aws\w{0,30}?secret|secret_?access_?key)\w{0,20}["'`]?\s*(?:=>|:=|[:=])\s*["'`]?(?<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  },
  { id: 'github-token', what: 'a GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g },
  { id: 'github-token', what: 'a GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  {
    id: 'gitlab-token',
    what: 'a GitLab token',
    re: /\bgl(?:pat|dt|ptt|rt|cbt|oas|soat|ft|imt|agent|ffct)-[0-9A-Za-z_-]{20,}/g,
  },
  // Before OpenAI's: an Anthropic key starts with `sk-` too.
  { id: 'anthropic-key', what: 'an Anthropic API key', re: /\bsk-ant-[a-z]{2,10}[0-9]{2}-[A-Za-z0-9_-]{20,}/g },
  // The key part must mix digits and capitals, so kebab-case names such as `sk-button-primary-large` never match.
  {
    id: 'openai-key',
    what: 'an OpenAI API key',
    re: /\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{20,}/g,
  },
  { id: 'google-api-key', what: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  {
    id: 'stripe-key',
    what: 'a Stripe key',
    re: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}(?![0-9A-Za-z])/g,
    valid: hasDigit,
  },
  {
    id: 'stripe-key',
    what: 'a Stripe webhook secret',
    re: /\bwhsec_[0-9A-Za-z]{24,}(?![0-9A-Za-z])/g,
    valid: hasDigit,
  },
  { id: 'npm-token', what: 'an npm token', re: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, valid: hasDigit },
  { id: 'pypi-token', what: 'a PyPI token', re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { id: 'dockerhub-token', what: 'a Docker Hub token', re: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/g },
  { id: 'slack-token', what: 'a Slack token', re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  {
    id: 'slack-webhook',
    what: 'a Slack webhook URL',
    re: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,}/g,
  },
  { id: 'twilio-key', what: 'a Twilio API key or account SID', re: /\b(?:SK|AC)[0-9a-f]{32}\b/g },
  { id: 'sendgrid-key', what: 'a SendGrid API key', re: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g },
  { id: 'mailgun-key', what: 'a Mailgun API key', re: /\bkey-[0-9a-f]{32}\b/g, valid: hasDigit },
  { id: 'heroku-key', what: 'a Heroku API key', re: /\bHRKU-[A-Za-z0-9_-]{20,}/g },
  {
    id: 'heroku-key',
    what: 'a Heroku API key',
    re: /heroku\w{0,30}["'`]?\s*(?:=>|:=|[:=])\s*["'`]?(?<v>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/gi,
  },
  { id: 'digitalocean-token', what: 'a DigitalOcean token', re: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { id: 'shopify-token', what: 'a Shopify token', re: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g },
  { id: 'huggingface-token', what: 'a Hugging Face token', re: /\bhf_[A-Za-z]{34}\b/g, valid: mixedCase },
  {
    id: 'azure-storage-key',
    what: 'an Azure storage key',
    re: /\b(?:AccountKey|SharedAccessKey)=(?<v>[A-Za-z0-9+/]{20,}={0,2})/g,
  },
  { id: 'jwt', what: 'a JSON web token', re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g },
  // Context formats, after the specific ones (a JWT after `Bearer` stays a JWT).
  {
    id: 'bearer-token',
    what: 'a bearer token',
    re: /\b(?:Bearer|bearer|BEARER)[ \t]+(?<v>[A-Za-z0-9._~+/-]{12,}=*)(?![A-Za-z0-9._~+/=-])/g,
    // Prose ("Bearer authentication") has no digits; a token nearly always does.
    valid: (v) => hasDigit(v) && /[A-Za-z]/.test(v),
  },
  {
    id: 'basic-auth',
    what: 'a Basic authorization credential',
    re: /\b(?:Basic|basic|BASIC)[ \t]+(?<v>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g,
    valid: isBasicCredential,
  },
  {
    id: 'url-password',
    what: 'a password in a URL',
    re: /\b[a-z][a-z0-9+.-]{1,30}:\/\/[^\s:@/?#'"`<>]*:(?<v>[^\s@/?#'"`<>]+)@(?=[^\s@'"`])/gi,
    valid: (v) => !isPlaceholderValue(v),
  },
  {
    id: 'url-credential',
    what: 'a credential in a URL query',
    re: /[?&](?<name>[A-Za-z_][\w-]*)=(?<v>[^&\s#'"`<>]{8,})/g,
    valid: (v, g) => CREDENTIAL_PARAMS.test(g.name ?? '') && hasDigit(v) && !isPlaceholderValue(v),
  },
];
