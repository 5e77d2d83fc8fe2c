// Ajv's schema compiler, in a module of its own so that runs that compile no schema never load it: the CLI bundle
// keeps it in a sibling file (scripts/build.mjs), since the two Stagegate schemas come precompiled and only flagd files
// and builds without the precompiled validators compile one.

import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export function createAjv(): Ajv {
  return addFormats(new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true }), ['date']);
}
