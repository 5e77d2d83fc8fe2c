// Validators of the two Stagegate schemas compiled ahead of time. The CLI bundle replaces this module with Ajv's
// standalone code (scripts/build.mjs), so that a run does not compile the schemas; unbundled (the tests' tsc output)
// there are none, and validate.ts compiles the schemas when first used.

import type { ValidateFunction } from 'ajv';

export const precompiled: Partial<Record<'release-plan' | 'flag-set', ValidateFunction>> = {};
