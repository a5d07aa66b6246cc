/**
 * Jobs per call below which a run is not spread further: the fixed instructions every call repeats would then cost
 * more tokens than the extra parallelism saves time.
 */
const MIN_PER_CALL = 4;

/**
 * How many jobs one worker pack or verifier batch takes when `jobs` jobs share `concurrency` call slots: few enough that
 * the calls fill the slots (a small run finishes sooner as many short calls than as a few long ones, since a call's time
 * grows with its output), at least `MIN_PER_CALL` and at most the configured `max`. A large run gets `max`: fewer calls,
 * each costing the same CPU and sending the same instructions, in as many waves as before.
 */
export function jobsPerCall(jobs: number, concurrency: number, max: number): number {
  return Math.max(Math.min(MIN_PER_CALL, max), Math.min(max, Math.ceil(jobs / Math.max(1, concurrency))));
}
