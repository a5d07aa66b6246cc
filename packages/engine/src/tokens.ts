/** A quick upper-leaning token estimate (about 3.5 characters per token for code and English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
