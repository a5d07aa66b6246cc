// A provider's `headers` are sent as written, from the config file: a key there would be committed with it. Keys come
// only from the environment (the variable `apiKeyEnv` names, sent in `apiKeyHeader`), so a header that carries one is
// refused: by its name (Authorization, api-key, x-api-key, the provider's key header, a gateway's `*-auth` or
// `*-api-key`) or by a value that looks like a secret. The value itself is never echoed.

/** Header names that carry a credential: whole segments of the name (`cf-aig-authorization`, `helicone-auth`). */
const KEY_NAME = /(^|-)(authorization|auth|api-?key|apikey|access-?key|secret-?key|token|secret|password)($|-)/i;

/** Values that look like a credential: an auth scheme with its token, a known key prefix, or a long random token. */
function looksSecret(value: string): boolean {
  const v = value.trim();
  if (/^(bearer|basic|token)\s+\S/i.test(v)) return true;
  if (
    /^(sk|rk|pk)[-_]|^(sk-ant|sk-or|sk-proj)-|^(ghp|gho|ghs|github_pat|glpat|hf|xox[abpr])[-_]|^AKIA[0-9A-Z]{12}|^AIza/.test(
      v,
    )
  )
    return true;
  // A long token with a random-looking run of 20+ letters and digits: not a URL, not a UUID (a session id is no
  // secret), not words joined by hyphens (`fine-grained-tool-streaming-2025-05-14`).
  if (v.length < 32 || /\s|:\/\//.test(v) || !/^[A-Za-z0-9_\-.~+/=]+$/.test(v)) return false;
  const run = /[A-Za-z0-9]{20,}/.exec(v)?.[0];
  return run !== undefined && /[A-Za-z]/.test(run) && /[0-9]/.test(run);
}

/**
 * The config problems of a provider's `headers`: one per header that carries a key (by its name, the provider's
 * `apiKeyHeader`, or a value that looks like a secret), saying where the key goes instead. Empty when none does.
 */
export function keyHeaderProblems(
  provider: string,
  headers: Record<string, string>,
  apiKeyHeader: string | undefined,
): string[] {
  const keyHeader = apiKeyHeader?.toLowerCase();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const byName = KEY_NAME.test(name) || name.toLowerCase() === keyHeader;
    if (!byName && !looksSecret(value)) continue;
    problems.push(
      `\`providers.${provider}.headers.${name}\`: ${byName ? 'this header carries a key' : 'this value looks like a key'}` +
        ', and keys never go in the config file. Keys come only from the environment: put it in a variable, name the ' +
        `variable in \`providers.${provider}.apiKeyEnv\` (and the header in \`apiKeyHeader\` if it is not the ` +
        "provider's usual one)",
    );
  }
  return problems;
}
