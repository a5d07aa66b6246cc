import { byVariant, type KindPart } from '../variants.js';
import { conventionsKind } from './conventions.js';
import { formatKind } from './format.js';

/** The reformat kind: the formatter (no model), or a named convention applied per declaration by workers. */
export const reformatKind = byVariant('reformat', (step) => (step.variant === 'conventions' ? conventionsKind : formatKind) as KindPart);
