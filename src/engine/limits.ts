// Every limit the engine enforces, in one place. Each one hit becomes a finding naming it, never silence.

/** Larger files are not parsed: `file-too-large`. A 20,000-flag file is about 2.6 MB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** YAML alias expansions allowed while building values (guards against "billion laughs"): `yaml-alias-limit`. */
export const MAX_ALIAS_COUNT = 1000;

/** Deepest nesting of YAML/JSON collections accepted: `nesting-too-deep`. Real plans nest fewer than 10 levels. */
export const MAX_NESTING_DEPTH = 200;

/** Findings kept per file; the rest are summarised in one `too-many-findings` finding. */
export const MAX_FINDINGS_PER_FILE = 1000;

/** Stages in one plan the rules and the simulator accept: `plan-too-large`. */
export const MAX_STAGES = 1000;

/**
 * Flags in one flag-set document the rules accept: `flag-set-too-large`. Real sets hold hundreds; a generated
 * file of 100,000 one-line flags fits under MAX_FILE_BYTES and would otherwise give one finding per flag.
 */
export const MAX_FLAGS = 20000;

/** Largest SQL statement analysed: `migration-statement-too-large`. */
export const MAX_SQL_STATEMENT_BYTES = 1024 * 1024;

/**
 * How much of a file recognition reads before deciding (names first, then a modeline, `$schema`, `apiVersion` and
 * `kind` in the head): a folder scan reads this much of each YAML or JSON file it meets, not the whole file.
 */
export const SNIFFED_HEAD_BYTES = 64 * 1024;

/**
 * YAML or JSON files above this size are not parsed to find flagd's shape (`check --verbose` says "too large to
 * sniff"); their names, modelines and `$schema`, and the `files:` map of `.stagegate.yaml`, still apply.
 */
export const MAX_SNIFFED_BYTES = 1024 * 1024;
