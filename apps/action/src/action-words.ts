// The CLI's instructions in the engine's error messages (environment variables, flags) in a workflow's words.
import type { ErrorCode } from '@orchestrate/core';

/**
 * The CLI's own instructions in an error's message (environment variables and flags, which the action does not read),
 * in a workflow's words: the inputs to set. Applied to the step's failure and to what is posted on the PR.
 */
const ACTION_WORDS: Partial<Record<ErrorCode, [RegExp, string]>> = {
  E_NO_API_KEY: [
    /^The openai engine needs OPENAI_API_KEY[^]*?--engine offline\./,
    'The openai engine needs an API key, and this step has no `openai-api-key` input (the action reads the key from ' +
      'it only, never from OPENAI_API_KEY in the environment; a compatible server that takes no key: set `base-url`).',
  ],
  E_OFFLINE_UNSUPPORTED: [
    /For anything else, enable a model: set OPENAI_API_KEY[^]*?--engine openai\./,
    'For anything else, enable a model: pass `openai-api-key: ${{ secrets.OPENAI_API_KEY }}` to this step (or ' +
      '`base-url` for a compatible server) and set `engine: openai` or leave it `auto`.',
  ],
};

/** An error's message with the CLI's instructions in it put in a workflow's words ({@link ACTION_WORDS}). */
export function actionMessage(err: { code: ErrorCode; message: string }): string {
  const words = ACTION_WORDS[err.code];
  return words ? err.message.replace(words[0], words[1]) : err.message;
}
