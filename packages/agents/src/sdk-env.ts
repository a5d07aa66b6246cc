// The SDKs read some settings from process.env themselves (OPENAI_CUSTOM_HEADERS, OPENAI_ORG_ID, OPENAI_BASE_URL,
// ANTHROPIC_CUSTOM_HEADERS, ANTHROPIC_BASE_URL). A provider other than the default one gets none of them: a run's keys
// and headers come from the config and the provider's `apiKeyEnv` only, so a gateway secret meant for one endpoint
// never reaches another.

/** The OpenAI API's base URL, given explicitly so the SDK does not read OPENAI_BASE_URL. */
export const OPENAI_API_URL = 'https://api.openai.com/v1';

/** Anthropic's API base URL, given explicitly so the SDK does not read ANTHROPIC_BASE_URL. */
export const ANTHROPIC_API_URL = 'https://api.anthropic.com';

/**
 * The header names an SDK would add from `variable` (`Name: value` lines, parsed as both SDKs do: split at the first
 * colon, trimmed), each set to null, which removes the header from every request. Names the provider sets itself
 * (`own`, compared case-insensitively) are left out, so the provider's value stays.
 */
export function nullEnvHeaders(
  variable: string,
  own: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): Record<string, null> {
  const raw = env[variable]?.trim();
  if (!raw) return {};
  const kept = new Set(Object.keys(own).map((name) => name.toLowerCase()));
  const nulls: Record<string, null> = {};
  for (const line of raw.split('\n')) {
    const colon = line.indexOf(':');
    const name = colon >= 0 ? line.slice(0, colon).trim() : '';
    if (name && !kept.has(name.toLowerCase())) nulls[name] = null;
  }
  return nulls;
}
