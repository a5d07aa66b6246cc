// The two Toolkits: over @actions/core in a workflow (and under @github/local-action, which stubs that package), and
// in memory for in-process tests, which read back what the action wrote.
import * as core from '@actions/core';
import type { OutputName, Toolkit } from './types.js';

/** The toolkit of a workflow step: inputs, outputs, masks, log, annotations and the job summary through @actions/core. */
export function coreToolkit(): Toolkit {
  return {
    input: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => {
      // An empty mask would be refused by the runner, and there is nothing to hide.
      if (value) core.setSecret(value);
    },
    info: (line) => core.info(line),
    debug: (line) => core.debug(line),
    annotate: (level, message, at) => {
      const properties = at ? { file: at.file, startLine: at.startLine, endLine: at.endLine ?? at.startLine } : {};
      if (level === 'error') core.error(message, properties);
      else if (level === 'warning') core.warning(message, properties);
      else core.notice(message, properties);
    },
    writeStepSummary: async (markdown) => {
      // The job summary is a courtesy beside the PR comment: where the runner gives none (a local run) or it cannot be
      // written, the log says so and the step goes on.
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info('orchestrate: no job summary written (GITHUB_STEP_SUMMARY is not set)');
        return;
      }
      try {
        await core.summary.emptyBuffer().addRaw(markdown).write({ overwrite: true });
      } catch (err) {
        core.warning(`orchestrate: the job summary could not be written (${err instanceof Error ? err.message : err})`);
      }
    },
    setFailed: (message) => core.setFailed(message),
  };
}

/** An annotation as {@link memoryToolkit} records it. */
export interface MemoryAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  at?: { file: string; startLine: number; endLine?: number };
}

/** A toolkit that keeps everything in memory, for tests: what was written can be read back. */
export interface MemoryToolkit extends Toolkit {
  readonly inputs: Record<string, string>;
  readonly outputs: Partial<Record<OutputName, string>>;
  readonly secrets: string[];
  /** Every info line, in order (debug lines are in `debugLines`). */
  readonly lines: string[];
  readonly debugLines: string[];
  readonly annotations: MemoryAnnotation[];
  /** The job summary as last written (each write replaces the one before, as coreToolkit's does). */
  summary: string | null;
  /** The message of setFailed, or null when the step did not fail. */
  failed: string | null;
}

/**
 * A toolkit over `inputs` (by input name, as action.yml spells it); reads are trimmed like `getInput`'s, a missing input
 * is empty.
 */
export function memoryToolkit(inputs: Record<string, string> = {}): MemoryToolkit {
  const kit: MemoryToolkit = {
    inputs: { ...inputs },
    outputs: {},
    secrets: [],
    lines: [],
    debugLines: [],
    annotations: [],
    summary: null,
    failed: null,
    input: (name) => (kit.inputs[name] ?? '').trim(),
    setOutput: (name, value) => {
      kit.outputs[name] = value;
    },
    setSecret: (value) => {
      if (value) kit.secrets.push(value);
    },
    info: (line) => {
      kit.lines.push(line);
    },
    debug: (line) => {
      kit.debugLines.push(line);
    },
    annotate: (level, message, at) => {
      kit.annotations.push(at ? { level, message, at } : { level, message });
    },
    writeStepSummary: async (markdown) => {
      kit.summary = markdown;
      await Promise.resolve();
    },
    setFailed: (message) => {
      kit.failed = message;
    },
  };
  return kit;
}
