import { withConventions } from '../conventions.js';
import { plural, where } from '../subject.js';
import { byVariant, type KindPart } from '../variants.js';
import { bodiesKind } from './bodies.js';
import { testsKind } from './tests.js';
import { typesKind } from './types.js';

const PARTS: Record<string, KindPart> = {
  bodies: bodiesKind as KindPart,
  tests: testsKind as KindPart,
  types: typesKind as KindPart,
};

// Tests to fix ("fix the failing tests", "repair broken specs") are not tests to write.
const TESTS = new RegExp(
  String.raw`(?<!\b(?:fix|repair|failing|broken|flaky)(?: the)?(?: unit)? )` +
    String.raw`\b(?:unit )?(?:tests?|specs?)\b(?! (?:pass|fail))`,
  'i',
);

const BOILERPLATE_WORDS = ['boilerplate', 'scaffold', 'template', 'structure', 'layout', 'naming', 'files'];

/** The boilerplate kind's variants, by the step's variant. */
const variants = byVariant(
  {
    kind: 'boilerplate',
    planning: {
      description: [
        '- boilerplate, variant bodies: implement stub functions (throw "not implemented", TODO or empty bodies).',
        '- boilerplate, variant tests: generate unit tests for exported functions, one test file per source file.',
        '- boilerplate, variant types: add explicit parameter and return type annotations.',
      ],
      summary: 'boilerplate (stub bodies, unit tests, type annotations)',
      variants: ['bodies', 'tests', 'types'],
      offline: [
        {
          variant: 'tests',
          test: TESTS,
          order: 20,
          capability: 'add unit test skeletons ("add unit tests for src/x.ts": it.todo per exported function)',
        },
        {
          variant: 'types',
          test: /\b(?:return|param(?:eter)?) types?\b|\btype annotations?\b|\bexplicit types?\b/i,
          order: 30,
          capability: 'add return types from inference ("add return types to src/")',
        },
        { variant: 'bodies', test: /\bimplement\b|\bstubs?\b|\bfill in\b|\bnot implemented\b/i, order: 40 },
      ],
    },
    conventionWords: BOILERPLATE_WORDS,
    commitSubject(jobs) {
      const variant = jobs[0]?.target.step.variant ?? 'bodies';
      if (variant === 'tests') {
        const functions = jobs.reduce((n, j) => n + (j.outcome?.covers?.length ?? 0), 0);
        const what = functions ? plural(functions, 'function') : plural(jobs.length, 'file');
        return `test: add unit tests for ${what} in ${where(jobs)}`;
      }
      const declarations = plural(jobs.length, 'declaration');
      if (variant === 'types') return `refactor: add type annotations to ${declarations} in ${where(jobs)}`;
      return `feat: implement ${jobs.length} function ${jobs.length === 1 ? 'body' : 'bodies'} in ${where(jobs)}`;
    },
  },
  (step) => PARTS[step.variant ?? 'bodies'] ?? PARTS.bodies!,
);

/** The boilerplate kind: stub bodies, unit tests or type annotations, by the step's variant; each variant's pack ends
 * with the repository conventions that apply. */
export const boilerplateKind: typeof variants = {
  ...variants,
  contextPack: (target, ctx) =>
    withConventions(variants.contextPack(target, ctx), target, ctx, { kindWords: BOILERPLATE_WORDS }),
};
