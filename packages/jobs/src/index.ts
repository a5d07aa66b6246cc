export * from './kind.js';
export * from './registry.js';
export { docstringKind } from './docstring/index.js';
export { offlineDocContent, words } from './docstring/offline.js';
export { renderDocComment, cleanField, type DocContent } from './docstring/render.js';
export { pathMatcher, declarationSelected } from './docstring/select.js';
export * from './review/index.js';
export { reviewKind, MIN_CONFIDENCE } from './review/kind.js';
export { customKind } from './custom/index.js';
