import { appendFileSync } from 'node:fs';

/** One fault scenario's outcome, for the table `pnpm faults` prints. */
export interface ScenarioResult {
  suite: string;
  name: string;
  passed: boolean;
  /** Bytes of the user's working tree, index, HEAD and stash that differ after the scenario (must be 0). */
  bytesChanged: number;
  /** Completed model calls (answer received) paid again (must be 0); null where nothing is resumed. */
  paidTwice: number | null;
}

/** Appends a scenario's outcome to $FAULTS_RESULTS (a JSON-lines file) when `pnpm faults` asked for one. */
export function recordScenario(result: ScenarioResult): void {
  const file = process.env.FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(result)}\n`);
}
