// SARIF 2.1.0 for GitHub code scanning: one run, the rule catalogue as its driver, 1-based regions.

import type { FileFindings } from './format';
import { ruleDocUrl, type RuleMeta } from '../engine/rule-kit/rule';
import type { Severity } from '../engine/finding';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function toSarif(results: FileFindings[], rules: RuleMeta[], version: string): object {
  const used = new Set(results.flatMap((result) => result.findings.map((finding) => finding.ruleId)));
  const catalogue = rules.filter((rule) => used.has(rule.id));
  const index = new Map(catalogue.map((rule, i) => [rule.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Stagegate',
            version,
            informationUri: 'https://github.com/stagegate/stagegate',
            rules: catalogue.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.summary },
              fullDescription: { text: rule.summary },
              helpUri: ruleDocUrl(rule.id),
              help: { text: `${rule.summary} See ${ruleDocUrl(rule.id)}` },
              defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
              properties: { tags: [rule.family] },
            })),
          },
        },
        results: results.flatMap(({ file, findings }) =>
          findings.map((finding) => ({
            ruleId: finding.ruleId,
            ...(index.has(finding.ruleId) ? { ruleIndex: index.get(finding.ruleId) } : {}),
            level: LEVELS[finding.severity],
            message: { text: finding.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(file) },
                  region: {
                    startLine: finding.range.start.line + 1,
                    startColumn: finding.range.start.character + 1,
                    endLine: finding.range.end.line + 1,
                    endColumn: finding.range.end.character + 1,
                  },
                },
              },
            ],
            ...(finding.related?.length
              ? {
                  relatedLocations: finding.related.map((related, id) => ({
                    id,
                    message: { text: related.message },
                    physicalLocation: {
                      artifactLocation: { uri: toUri(related.file) },
                      region: { startLine: related.range.start.line + 1, startColumn: related.range.start.character + 1 },
                    },
                  })),
                }
              : {}),
          })),
        ),
      },
    ],
  };
}

/** A relative path as a URI reference: every segment encoded, so `#` and `?` stay part of the name. */
function toUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}
