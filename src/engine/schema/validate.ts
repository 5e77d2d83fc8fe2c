// Validates parsed documents against the JSON Schemas in schemas/ and reports each problem at the narrowest node.

import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Range } from '../finding';
import { keyOrValue, locate, type ParsedDocument, type Path, type SourceFile } from '../parse/source-file';
import { formatPath } from './paths';
import { closestName } from '../text/edit-distance';

export type SchemaName = 'release-plan' | 'flag-set';

/** A value that does not match the format, at the narrowest node; the schema rule reports it. */
export interface SchemaProblem {
  message: string;
  range: Range;
}

// Bundled into the CLI and the extension by esbuild; the same files are contributed to VS Code for the YAML extension.
import releasePlanSchema from '../../../schemas/release-plan.schema.json';
import flagSetSchema from '../../../schemas/flag-set.schema.json';

const SCHEMAS: Record<SchemaName, object> = {
  'release-plan': releasePlanSchema,
  'flag-set': flagSetSchema,
};

let ajv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

/** The one Ajv instance; other formats' schemas (src/engine/adapters) are compiled into it too. */
export function sharedAjv(): Ajv {
  // Required here, not imported: the compiler loads only when a schema is compiled.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ajv ??= (require('./ajv-compiler') as typeof import('./ajv-compiler')).createAjv();
  return ajv;
}

/** Each schema is compiled once per process. */
function validatorFor(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    // Required here, not imported: the CLI bundle keeps the precompiled validators (about 230 KB) in a sibling file
    // that only runs validating a plan or a flag set load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { precompiled } = require('./precompiled') as typeof import('./precompiled');
    validate = precompiled[name] ?? sharedAjv().compile(SCHEMAS[name]);
    compiled.set(name, validate);
  }
  return validate;
}

export function schemaFor(name: SchemaName): object {
  return SCHEMAS[name];
}

export function validateDocument(file: SourceFile, doc: ParsedDocument, schema: SchemaName): SchemaProblem[] {
  if (doc.value === undefined || doc.value === null) return [];
  const validate = validatorFor(schema);
  if (validate(doc.value)) return [];
  const findings: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const finding = toSchemaProblem(file, doc, error);
    if (!finding) continue;
    const key = `${finding.range.start.line}:${finding.range.start.character}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

export function toSchemaProblem(file: SourceFile, doc: ParsedDocument, error: ErrorObject): SchemaProblem | undefined {
  // A key name that fails `propertyNames` raises the name's own error (`pattern`) and then `propertyNames`, both on
  // the mapping: the second says it at the key, in words.
  if (error.propertyName !== undefined && error.keyword !== 'propertyNames') return undefined;
  const path = instancePath(error.instancePath);
  const where = formatPath(path);
  const schemaError = (message: string, range = locate(file, doc, path).value): SchemaProblem => ({
    message,
    range,
  });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = closestName(key, allowed);
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : allowed.length > 0 ? ` Expected one of: ${allowed.join(', ')}.` : '';
      const located = locate(file, doc, [...path, key]);
      return schemaError(`Unknown key "${key}"${where ? ` in ${where}` : ''}.${hint}`, keyOrValue(located, file.lines));
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const located = locate(file, doc, path);
      return schemaError(
        `${where || 'The document'} is missing the required key "${missing}".`,
        path.length === 0 ? firstLine(file, doc) : keyOrValue(located, file.lines),
      );
    }
    case 'type': {
      const expected = String(params.type).split(',').map(typeName).join(' or ');
      return schemaError(`${where || 'The document'} must be ${expected}.`);
    }
    case 'enum':
      return schemaError(`${where} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}.`);
    case 'const':
      return schemaError(`${where} must be "${String(params.allowedValue)}".`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' };
      return schemaError(`${where} must be ${words[error.keyword]} ${String(params.limit)}.`);
    }
    case 'minLength':
      return schemaError(`${where} must not be empty.`);
    case 'minItems':
      return schemaError(`${where} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}.`);
    case 'minProperties':
      return schemaError(`${where} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}.`);
    case 'pattern':
      return schemaError(`${where} must be ${patternDescription(error.schemaPath, String(params.pattern))}.`);
    case 'format':
      return schemaError(
        `${where} must be ${params.format === 'date' ? 'a date written YYYY-MM-DD' : `a valid ${String(params.format)}`}.`,
      );
    case 'propertyNames': {
      const name = String(params.propertyName);
      if (error.schemaPath.includes('/queries/'))
        return schemaError(
          `"${name}" is not a signal${where ? ` in ${where}` : ''}: use requests, errors, latencyP95Ms, kpi:<name> or gauge:<name>.`,
          keyOrValue(locate(file, doc, [...path, name])),
        );
      return schemaError(
        `"${name}" is not a valid name${where ? ` in ${where}` : ''}: use letters, digits, "-", "_" and ".", starting with a letter or digit.`,
        keyOrValue(locate(file, doc, [...path, name])),
      );
    }
    case 'if':
    case 'oneOf':
    case 'anyOf':
      return undefined; // the branch errors that follow say what is wrong more precisely
    default:
      return schemaError(`${where} ${error.message ?? 'is invalid'}.`);
  }
}

export function instancePath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function typeName(type: string): string {
  return (
    {
      number: 'a number',
      integer: 'a whole number',
      string: 'text',
      boolean: 'true or false',
      object: 'a mapping of keys to values',
      array: 'a list',
      null: 'empty',
    }[type] ?? type
  );
}

function patternDescription(schemaPath: string, pattern: string): string {
  if (schemaPath.includes('/duration/')) return 'a duration such as 30s, 5m, 2h or 1h30m';
  if (schemaPath.includes('/ratio')) return 'a number or a percentage such as 10%';
  if (pattern.startsWith('^(errorRate'))
    return pattern.includes('gauge') ? 'errorRate, latencyP95Ms, kpi:<name> or gauge:<name>' : 'errorRate, latencyP95Ms or kpi:<name>';
  // The value itself is never repeated: it may be the credential that should not be in the file.
  if (pattern.startsWith('^env:'))
    return 'the name of an environment variable written env:NAME (env:PROM_TOKEN): credentials are read from the environment, never written in a file that is committed and shared';
  if (pattern === '^https?://') return 'an http:// or https:// address';
  return `text matching ${pattern}`;
}

function firstLine(file: SourceFile, doc: ParsedDocument) {
  const line = doc.range.start.line;
  return file.lines.range(file.lines.lineStart(line), file.lines.lineEnd(line));
}
