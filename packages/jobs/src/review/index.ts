export {
  capAnnotations,
  dedupeAnnotations,
  onlyChangedLines,
  touches,
  type Annotation,
  type Severity,
} from './annotation.js';
export { RULES, runRules, type RuleId, type RuleInfo } from './rules.js';
export { isSecretName, looksRandom, shannonEntropy, ENTROPY_MIN_LENGTH, ENTROPY_THRESHOLD } from './secrets.js';
export { unusedDiagnostics, UNUSED_CODES, type UnusedDiagnostic } from './unused.js';
export {
  toSarif,
  toUri,
  fingerprint,
  FINGERPRINT_KEY,
  SARIF_SCHEMA_URL,
  type SarifLog,
  type SarifOptions,
  type SarifResult,
  type SarifRule,
} from './sarif.js';
export { toMarkdown, markdownCode, markdownInline, type MarkdownOptions } from './markdown.js';
export { validateFix, FIX_MAX_CHARS, FIX_MAX_LINES, type FixCandidate, type FixCheck } from './fix.js';
export { formatForTerminal, type TerminalOptions } from './terminal.js';
