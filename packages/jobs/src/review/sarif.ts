import { createHash } from 'node:crypto';
import type { Annotation, Severity } from './annotation.js';
import type { RuleInfo } from './rules.js';

/** What `toSarif` needs to describe the tool. */
export interface SarifOptions {
  toolName: string;
  version: string;
  /** The rules the annotations may cite (ids found only in annotations, e.g. a model's, are added as they appear). */
  rules: Readonly<Record<string, RuleInfo>>;
  /** The tool's home page; left out when not given (SARIF requires an absolute URI there, so none is invented). */
  informationUri?: string;
  /**
   * `runs[0].automationDetails.id`: `<category>/<instance>` (e.g. `orchestrate/cli/<run-id>`). GitHub code scanning
   * keeps one set of alerts per category, so each shell passes its own and uploads do not close each other's alerts.
   */
  automationId?: string;
  /** More `partialFingerprints` for the i-th annotation (a shell's own finding fingerprint), beside ours. */
  extraFingerprints?: (annotation: Annotation, index: number) => Readonly<Record<string, string>>;
}

/** One rule in `tool.driver.rules`. */
export interface SarifRule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: Severity };
}

/** One finding in `runs[0].results`. */
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Severity;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region: { startLine: number; endLine: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  /** The exact fix, when the annotation has one: the new text of its lines. */
  fixes?: SarifFix[];
  properties: { source: Annotation['source']; confidence?: number };
}

/** An exact fix: the lines of the result's region replaced (a line-only region excludes the final line break). */
export interface SarifFix {
  description: { text: string };
  artifactChanges: {
    artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
    replacements: { deletedRegion: { startLine: number; endLine: number }; insertedContent: { text: string } }[];
  }[];
}

/** A SARIF 2.1.0 log with one run, as GitHub code scanning accepts it. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } };
      results: SarifResult[];
      automationDetails?: { id: string };
    },
  ];
}

/** The schema URL GitHub's documentation uses for uploads. */
export const SARIF_SCHEMA_URL = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our fingerprint in `partialFingerprints` (versioned, so a new scheme never collides with old alerts). */
export const FINGERPRINT_KEY = 'orchestrateFingerprint/v1';

/**
 * Turns annotations into a SARIF 2.1.0 log. Prose suggestions go into the message text; only an exact `fix` (the new
 * text of the annotation's lines) becomes a SARIF `fixes` entry.
 */
export function toSarif(annotations: readonly Annotation[], options: SarifOptions): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (id: string, info: RuleInfo) => {
    if (ruleIndex.has(id)) return;
    ruleIndex.set(id, rules.length);
    rules.push({ id, shortDescription: { text: info.description }, defaultConfiguration: { level: info.severity } });
  };
  for (const [id, info] of Object.entries(options.rules)) addRule(id, info);
  for (const a of annotations)
    addRule(a.ruleId, { severity: a.severity, description: `Reviewer finding: ${a.ruleId}.` });

  const occurrences = new Map<string, number>();
  const results = annotations.map((a, i): SarifResult => {
    const uri = toUri(a.file);
    const base = fingerprint(uri, a.ruleId, a.message);
    // The same message twice in a file would otherwise be one alert: number the repeats (in the order given).
    const n = occurrences.get(base) ?? 0;
    occurrences.set(base, n + 1);
    const properties: SarifResult['properties'] = { source: a.source };
    if (a.confidence !== undefined) properties.confidence = a.confidence;
    const region = { startLine: Math.max(1, a.line), endLine: Math.max(1, a.line, a.endLine) };
    const result: SarifResult = {
      ruleId: a.ruleId,
      ruleIndex: ruleIndex.get(a.ruleId)!,
      level: a.severity,
      message: { text: a.suggestion ? `${a.message}\nSuggestion: ${a.suggestion}` : a.message },
      locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: {
        ...options.extraFingerprints?.(a, i),
        [FINGERPRINT_KEY]: n === 0 ? base : `${base}:${n}`,
      },
      properties,
    };
    if (a.fix) {
      result.fixes = [
        {
          description: { text: a.suggestion ?? a.message },
          artifactChanges: [
            {
              artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
              replacements: [{ deletedRegion: region, insertedContent: { text: a.fix.replacement } }],
            },
          ],
        },
      ];
    }
    return result;
  });

  const driver: SarifLog['runs'][0]['tool']['driver'] = { name: options.toolName, version: options.version, rules };
  if (options.informationUri) driver.informationUri = options.informationUri;
  const run: SarifLog['runs'][0] = { tool: { driver }, results };
  if (options.automationId) run.automationDetails = { id: options.automationId };
  return { $schema: SARIF_SCHEMA_URL, version: '2.1.0', runs: [run] };
}

/** A stable hash of what a finding is (file, rule, message), independent of its line so moved code keeps its alert. */
export function fingerprint(uri: string, ruleId: string, message: string): string {
  return createHash('sha256')
    .update(JSON.stringify([uri, ruleId, message]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * A repository path as a relative URI reference: forward slashes, no leading `./`, and each character a URI path
 * segment cannot hold (space, `#`, `?`, `%`, non-ASCII…) percent-encoded as UTF-8. `:` is encoded too: in a first
 * segment it would make the path read as a URI scheme (`c:x.ts`).
 */
export function toUri(file: string): string {
  const clean = file
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/^\/+/, '');
  return clean
    .split('/')
    .map((segment) => segment.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=@]/gu, (c) => encodeURIComponent(c)))
    .join('/');
}
