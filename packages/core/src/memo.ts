/**
 * A cache of a pure function of texts, bounded by the characters its keys hold (texts can be large; entry counts would
 * not bound memory): past the bound it starts over. Keys are length-prefixed, so no two argument lists share one.
 */
export function textMemo<P extends string[], T>(compute: (...parts: P) => T, maxChars: number): (...parts: P) => T {
  const cache = new Map<string, T>();
  let chars = 0;
  return (...parts) => {
    const key = parts.length === 1 ? parts[0]! : parts.map((p) => `${p.length}:${p}`).join('');
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute(...parts);
    if (chars + key.length > maxChars) {
      cache.clear();
      chars = 0;
    }
    cache.set(key, value);
    chars += key.length;
    return value;
  };
}
