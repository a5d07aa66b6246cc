import type { ResolvedConfig } from '@orchestrate/core';
import {
  plannerInstructionsFor,
  plannerOutputSchemaFor,
  stepModelChoices,
  type PlannerModels,
  type PlannerOutput,
} from '@orchestrate/agents';
import { KIND_PLANNING } from '@orchestrate/jobs';
import type { z } from 'zod';

/** The planner call's instructions and schema for a config: a step names its worker model only with `models.workers`. */
export interface PlannerPrompt {
  instructions: string;
  schema: z.ZodType<PlannerOutput>;
}

const prompts = new Map<string, PlannerPrompt>();

/**
 * The planner's instructions and output schema for the config's models: those of every run (`defaults`) when the
 * config allows no extra worker model, else with a `model` per step among the allowed ones (built once per choice).
 */
export function plannerPrompt(config: Pick<ResolvedConfig, 'models'>, defaults: PlannerPrompt): PlannerPrompt {
  const models = plannerModels(config);
  const choices = stepModelChoices(models);
  if (choices.length === 0) return defaults;
  const key = JSON.stringify(choices);
  let prompt = prompts.get(key);
  if (!prompt) {
    prompt = {
      instructions: plannerInstructionsFor(KIND_PLANNING, models),
      schema: plannerOutputSchemaFor(KIND_PLANNING, models),
    };
    prompts.set(key, prompt);
  }
  return prompt;
}

/** The worker models of a config, as the planner sees them. */
export function plannerModels(config: Pick<ResolvedConfig, 'models'>): PlannerModels {
  return { worker: config.models.worker, workers: config.models.workers };
}

/**
 * A step's worker model from the planner's answer: a ref the config allows (`models.worker` or one of
 * `models.workers`), else none; anything else given is dropped with a warning (the step runs on `models.worker`).
 */
export function checkStepModel(
  value: unknown,
  models: PlannerModels | undefined,
  warn: (message: string) => void,
  shown: (value: unknown) => string,
): string | null {
  if (value === undefined || value === null) return null;
  const allowed = stepModelChoices(models);
  if (typeof value === 'string' && allowed.includes(value)) return value;
  const which = allowed.length ? `only ${allowed.join(', ')}` : 'no model per step (models.workers is empty)';
  const runsOn = models?.worker ?? 'the default worker model';
  warn(`ignored model ${shown(value)}: the config allows ${which}; the step runs on ${runsOn}`);
  return null;
}
