export function add(a: number, b: number): number {
  return a + b;
}

export function divide(dividend: number, divisor: number): number {
  if (divisor === 0) throw new RangeError('division by zero');
  return dividend / divisor;
}

export const clamp = (value: number, min: number, max: number): number => Math.min(Math.max(value, min), max);

/** Already documented: left as it is. */
export function square(x: number): number {
  return x * x;
}
