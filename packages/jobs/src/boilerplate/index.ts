import { byVariant, type KindPart } from '../variants.js';
import { bodiesKind } from './bodies.js';
import { testsKind } from './tests.js';
import { typesKind } from './types.js';

const PARTS: Record<string, KindPart> = { bodies: bodiesKind as KindPart, tests: testsKind as KindPart, types: typesKind as KindPart };

/** The boilerplate kind: stub bodies, unit tests or type annotations, by the step's variant. */
export const boilerplateKind = byVariant('boilerplate', (step) => PARTS[step.variant ?? 'bodies'] ?? PARTS.bodies!);
