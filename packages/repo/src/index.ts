export * from './git.js';
export * from './files.js';
export * from './declarations.js';
export * from './code-index.js';
export * from './edits.js';
export * from './comment-only.js';
export * from './diff.js';
