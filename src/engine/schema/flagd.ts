// Validates flagd documents against flagd's own schema (vendored unchanged, Apache-2.0, schemas/vendor/flagd/LICENSE),
// reporting each problem once, at the narrowest node, as Stagegate's own formats are.

import type { ValidateFunction } from 'ajv';
import { keyOrValue, locate, type ParsedDocument, type Path, type SourceFile } from '../parse/source-file';
import { formatPath } from './paths';
import { instancePath, sharedAjv, toSchemaProblem, type SchemaProblem } from './validate';
import { isFlagdProvidersSchema } from '../formats/recognise';
import { isRecord } from '../values';
// Bundled by esbuild like Stagegate's schemas; flags.json $refs targeting.json by its $id.
import flagdFlagsSchema from '../../../schemas/vendor/flagd/flags.schema.json';
import flagdTargetingSchema from '../../../schemas/vendor/flagd/targeting.schema.json';

/**
 * flagd's two top-level shapes: `flags` (flags.json, what providers read: `flags` is a map) and `flagd` (flagd.json,
 * what the daemon reads: `flags` may also be a list of flags with a `key`).
 */
type FlagdSchemaVariant = 'flags' | 'flagd';
const FLAGD_FLAGS_ID = 'https://flagd.dev/schema/v0/flags.json';
const flagdCompiled = new Map<FlagdSchemaVariant, ValidateFunction>();

function flagdValidatorFor(variant: FlagdSchemaVariant): ValidateFunction {
  let validate = flagdCompiled.get(variant);
  if (!validate) {
    const shared = sharedAjv();
    if (!shared.getSchema(FLAGD_FLAGS_ID)) shared.addSchema(flagdTargetingSchema).addSchema(flagdFlagsSchema);
    validate =
      variant === 'flags' ? shared.getSchema(FLAGD_FLAGS_ID)! : shared.compile({ $ref: `${FLAGD_FLAGS_ID}#/definitions/flagdConfig` });
    flagdCompiled.set(variant, validate);
  }
  return validate;
}

/**
 * Validates a flagd document against flagd's schema. Its flag and targeting definitions are unions (`anyOf` over
 * four flag types and a dozen operations), so one mistake fails every branch: only the first finding per range is
 * kept, and a flag whose variants fail every typed branch gets one finding saying the types are mixed.
 */
export function validateFlagdDocument(file: SourceFile, doc: ParsedDocument): SchemaProblem[] {
  if (doc.value === undefined || doc.value === null) return [];
  const validate = flagdValidatorFor(flagdSchemaVariant(doc.value, file.modelineSchema));
  if (validate(doc.value)) return [];
  const findings: SchemaProblem[] = [];
  const seen = new Set<string>();
  const mixed = new Set<string>();
  const missingKeys = new Map<string, { names: string[]; finding: SchemaProblem }>();
  const subjects = new Map<SchemaProblem, { path: Path; noise: 'wrong-type' | 'unknown-key' | undefined }>();
  for (const error of validate.errors ?? []) {
    const path = instancePath(error.instancePath);
    const variantsAt = path.findIndex((segment, index) => segment === 'variants' && index >= 2 && path[0] === 'flags');
    if (
      error.keyword === 'type' &&
      variantsAt >= 0 &&
      path.length === variantsAt + 2 &&
      /(boolean|string|number|object)Variants/.test(error.schemaPath)
    ) {
      const variantsPath = path.slice(0, variantsAt + 1);
      const key = JSON.stringify(variantsPath);
      if (mixed.has(key)) continue;
      mixed.add(key);
      const types = mixedTypes(doc.value, variantsPath);
      const range = keyOrValue(locate(file, doc, variantsPath), file.lines);
      let finding: SchemaProblem | undefined;
      if (types.length > 1)
        finding = {
          message: `${formatPath(variantsPath)} mixes ${types.join(' and ')} values; flagd needs every variant of a flag to have one type.`,
          range,
        };
      else if (types.length === 1 && !['boolean', 'string', 'number', 'object'].includes(types[0]))
        finding = {
          message: `${formatPath(variantsPath)} holds ${types[0]} values; flagd variants are true/false, text, numbers or objects.`,
          range,
        };
      if (finding) {
        findings.push(finding);
        subjects.set(finding, { path: variantsPath, noise: undefined });
      }
      // Variants of one type match one flag type; the other types' errors are noise.
      continue;
    }
    const finding = toSchemaProblem(file, doc, error);
    if (!finding) continue;
    // A value spanning lines (a list where a mapping belongs) is marked at its key, not over the whole block.
    if (finding.range.end.line > finding.range.start.line && path.length > 0)
      finding.range = keyOrValue(locate(file, doc, path), file.lines);
    const key = `${finding.range.start.line}:${finding.range.start.character}:${finding.range.end.line}:${finding.range.end.character}`;
    if (error.keyword === 'required') {
      const missing = missingKeys.get(key);
      if (missing) {
        const name = String((error.params as Record<string, unknown>).missingProperty);
        if (missing.names.includes(name)) continue;
        missing.names.push(name);
        missing.finding.message = `${formatPath(path) || 'The document'} is missing the required keys ${missing.names.map((item) => `"${item}"`).join(' and ')}.`;
        continue;
      }
      if (!seen.has(key)) missingKeys.set(key, { names: [String((error.params as Record<string, unknown>).missingProperty)], finding });
    }
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
    const subject =
      error.keyword === 'additionalProperties' ? [...path, String((error.params as Record<string, unknown>).additionalProperty)] : path;
    subjects.set(finding, { path: subject, noise: noiseOf(error.keyword) });
  }
  // In a union, a branch that does not fit reports "wrong type" or "unknown key" where another branch found the real
  // mistake deeper down: keep the deeper one. An unknown key also gives way to a finding on that key's own value
  // (`{"in": [1]}`: one branch does not know `in`, the branch that does says it needs two items): one finding per node.
  const others = [...subjects.entries()];
  return findings.filter((finding) => {
    const subject = subjects.get(finding);
    if (!subject?.noise) return true;
    return !others.some(
      ([other, { path }]) =>
        other !== finding &&
        (path.length > subject.path.length || (subject.noise === 'unknown-key' && path.length === subject.path.length)) &&
        subject.path.every((segment, index) => path[index] === segment),
    );
  });
}

/** Errors a union's non-matching branches raise: they give way to a more precise finding from the matching branch. */
function noiseOf(keyword: string): 'wrong-type' | 'unknown-key' | undefined {
  return keyword === 'type' ? 'wrong-type' : keyword === 'additionalProperties' ? 'unknown-key' : undefined;
}

function mixedTypes(value: unknown, path: Path): string[] {
  let node = value;
  for (const segment of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment as string] : undefined;
  if (!node || typeof node !== 'object') return [];
  const kinds = Object.values(node as Record<string, unknown>).map((item) =>
    item === null ? 'null' : Array.isArray(item) ? 'list' : typeof item === 'object' ? 'object' : typeof item,
  );
  return [...new Set(kinds)];
}

/**
 * Which of flagd's schemas applies: `flagd.json` (the daemon's, flags may be a list) unless `$schema`, or else the
 * file's yaml-language-server modeline, names `flags.json`.
 */
function flagdSchemaVariant(value: unknown, modelineSchema: string | undefined): FlagdSchemaVariant {
  const schema = isRecord(value) && typeof value.$schema === 'string' ? value.$schema : modelineSchema;
  return schema && isFlagdProvidersSchema(schema) ? 'flags' : 'flagd';
}
