import { plural, where } from '../subject.js';
import { byVariant, type KindPart } from '../variants.js';
import { conventionsKind, REFORMAT_WORDS } from './conventions.js';
import { formatKind } from './format.js';

const CONVENTIONS = /\bvar\b.*\b(?:let|const)\b|\basync\/await\b|\bcommonjs\b|\besm imports?\b|\brename\b.*\bcase\b/i;

/** The reformat kind: the formatter (no model), or a named convention applied per declaration by workers. */
export const reformatKind = byVariant(
  {
    kind: 'reformat',
    planning: {
      description: [
        '- reformat, variant format: run the formatter. variant conventions: apply a coding convention the task names',
        '  (e.g. var to let/const, promise chains to async/await, CommonJS to ESM) per function; ' +
          'put the convention in instructions.',
      ],
      summary: 'reformatting and conventions',
      variants: ['format', 'conventions'],
      offline: [
        {
          variant: 'format',
          test: /\b(?:re)?format(?:ting)?\b|\bprettier\b|\bbiome\b/i,
          order: 10,
          capability: 'format the code with the repository\'s formatter ("format the code", "reformat src/")',
        },
        // Workers need the convention: the task is the step's instructions.
        { variant: 'conventions', test: CONVENTIONS, order: 60, fields: (task) => ({ instructions: task }) },
      ],
    },
    conventionWords: REFORMAT_WORDS,
    commitSubject: (jobs, files) =>
      jobs[0]?.target.step.variant === 'conventions'
        ? `style: apply the code conventions to ${plural(jobs.length, 'declaration')} in ${where(jobs)}`
        : `style: format ${files === 1 ? where(jobs) : plural(files, 'file')}`,
  },
  (step) => (step.variant === 'conventions' ? conventionsKind : formatKind) as KindPart,
);
