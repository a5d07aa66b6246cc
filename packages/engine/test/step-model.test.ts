// A plan step names its worker model (among models.worker + models.workers): the planner chooses only when the
// config allows extra worker models, plan-check drops anything else with a warning, the ladder starts on the step's
// model, and the summary, the dry run and the estimate show it per step.
import { describe, expect, it } from 'vitest';
import { plannerInstructionsFor, plannerOutputSchemaFor, type PlannerOutput } from '@orchestrate/agents';
import { KIND_PLANNING } from '@orchestrate/jobs';
import { indexFiles } from '@orchestrate/repo';
import { startFakeOpenAI, type FakeReply, type FakeRequest } from '../../../test/fake/openai-server.js';
import { fakeModelEnv, formatSummary, runEngine } from '../../../test/helpers/engine.js';
import { makeRepo } from '../../../test/helpers/repo.js';
import { docStep } from '../../../test/e2e/openai-script.js';
import { paramFields } from '../../../test/fake/doc-fields.js';
import { normalizePlan } from '../src/plan.js';
import { formatDryRun } from '../src/shell/dry-run.js';

const NANO = 'gpt-5.4-nano';
const MINI = 'gpt-5.4-mini';
const MODELS = { worker: NANO, workers: [MINI] };

const files = indexFiles([
  { path: 'src/a.ts', text: 'export function add(a: number, b: number): number {\n  return a + b;\n}\n' },
  { path: 'src/b.ts', text: 'export function sub(a: number, b: number): number {\n  return a - b;\n}\n' },
]);
type Step = PlannerOutput['steps'][number];
const step = (paths: string[], model?: unknown): Step =>
  ({ ...docStep({ paths }), ...(model === undefined ? {} : { model }) }) as Step;

describe('the step model in the plan', () => {
  it('keeps a model the config allows, drops any other with a warning, and leaves null as the default', () => {
    const plan = normalizePlan(
      { steps: [step(['src/a.ts'], MINI), step(['src/b.ts'], 'gpt-9-huge'), step(['src/'], null)], unsupported: null },
      'add docstrings',
      files,
      'test',
      MODELS,
    );
    expect(plan.steps.map((s) => s.model)).toEqual([MINI, undefined, undefined]);
    expect(plan.warnings).toEqual([
      `step-2: ignored model gpt-9-huge: the config allows only ${NANO}, ${MINI}; the step runs on ${NANO}`,
    ]);
  });

  it('without models.workers no step model is kept (a rule or offline plan has none)', () => {
    const plan = normalizePlan(
      { steps: [step(['src/a.ts'], MINI)], unsupported: null },
      'add docstrings',
      files,
      'test',
      { worker: NANO, workers: [] },
    );
    expect(plan.steps[0]!.model).toBeUndefined();
    expect(plan.warnings[0]).toMatch(/ignored model gpt-5\.4-mini: the config allows no model per step/);
  });

  it('the planner schema and instructions offer a model only when models.workers is non-empty, the default first', () => {
    const plain = plannerOutputSchemaFor(KIND_PLANNING).shape.steps.element.shape;
    expect('model' in plain).toBe(false);
    expect(plannerInstructionsFor(KIND_PLANNING, { worker: NANO, workers: [] })).toBe(
      plannerInstructionsFor(KIND_PLANNING),
    );
    const withModel = plannerOutputSchemaFor(KIND_PLANNING, { worker: NANO, workers: [MINI, NANO] }).shape.steps.element
      .shape as Record<string, any>;
    expect(withModel.model.unwrap().options).toEqual([NANO, MINI]);
    expect(plannerInstructionsFor(KIND_PLANNING, MODELS)).toContain(
      `null for the default (${NANO}), or one of ${MINI}`,
    );
  });
});

/**
 * The fake: the planner answers two docstring steps (src/a.ts on mini, src/b.ts on the default); the workers answer
 * from their schema; the verifier accepts.
 */
function handler(req: FakeRequest): FakeReply {
  const props = (req.schema?.properties ?? {}) as Record<string, any>;
  if (props.steps) {
    return {
      json: {
        steps: [
          { ...docStep({ paths: ['src/a.ts'] }), model: MINI },
          { ...docStep({ paths: ['src/b.ts'] }), model: null },
        ],
        unsupported: null,
      },
    };
  }
  if (props.rejections) return { json: { rejections: [] } };
  return {
    json: {
      summary: `Doc by ${req.model}.`,
      ...paramFields(req.schema, (p) => `The ${p}.`),
      returns: 'The result.',
      ...(props.escalate ? { escalate: 'no' } : {}),
    },
  };
}

describe('a step model chosen by the planner', () => {
  it('works the step on its model; the summary, the dry run and the estimate show the model per step', async () => {
    const repo = makeRepo({
      'src/a.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'src/b.ts': 'export function sub(a: number, b: number): number {\n  return a - b;\n}\n',
      'agents.config.ts': `export default { planning: 'model', models: { workers: ['${MINI}'] } };\n`,
    });
    const server = await startFakeOpenAI(handler);
    try {
      const options = {
        cwd: repo.dir,
        engine: 'openai',
        task: 'add docstrings to src/',
        env: fakeModelEnv(server),
      } as const;
      const dry = (await runEngine({ ...options, dryRun: true })).report;
      const planner = server.log.find((e) => e.request.schema?.properties?.steps)!;
      expect(planner.request.schema.properties.steps.items.properties.model).toEqual({
        anyOf: [{ type: 'string', enum: [NANO, MINI] }, { type: 'null' }],
        description: expect.stringContaining(`null for the default (${NANO})`),
      });
      expect(dry.plan.steps.map((s: any) => s.model)).toEqual([MINI, NANO]);
      const dryText = formatDryRun(dry as never);
      expect(dryText).toContain(`step-1: docstring in src/a.ts on ${MINI}`);
      expect(dryText).toContain(`step-2: docstring in src/b.ts on ${NANO}`);
      // The estimate prices each step's worker call on the step's model.
      expect(dry.estimate.perModel[NANO].calls).toBe(1);
      expect(dry.estimate.perModel[MINI].calls).toBe(1 + 1); // the worker call of step-1 and the verifier's batch

      const { report } = await runEngine(options);
      const workers = server.log.filter(
        (e) => e.request.schema?.properties?.summary && !e.request.schema?.properties?.steps,
      );
      const bySymbol = Object.fromEntries(
        report.items.map((i: any) => [
          i.symbol,
          workers
            .filter((e) => JSON.stringify(e.request.body).includes(`function ${i.symbol}(`))
            .map((e) => e.request.model),
        ]),
      );
      expect(bySymbol).toEqual({ add: [MINI], sub: [NANO] });
      expect(report.items.map((i: any) => [i.symbol, i.model])).toEqual([
        ['add', MINI],
        ['sub', NANO],
      ]);
      // The mini step is already on the verifier's model: its worker is not offered `escalate`; the nano one is.
      const [mini] = workers.filter((e) => e.request.model === MINI);
      const [nano] = workers.filter((e) => e.request.model === NANO);
      expect(mini!.request.schema.properties.escalate).toBeUndefined();
      expect(nano!.request.schema.properties.escalate).toBeDefined();
      const summary = formatSummary(report as never);
      expect(summary).toContain(`step-1: docstring on ${MINI}, 1 job`);
      expect(summary).toContain(`step-2: docstring on ${NANO}, 1 job`);
    } finally {
      await server.close();
      repo.cleanup();
    }
  });
});
