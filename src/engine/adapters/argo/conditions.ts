// Reads the conditions Argo Rollouts evaluates on a measurement, when they compare the result to a number:
// `result[0] >= 0.95`, `result < 0.01`, `0.95 <= result[0]`, `isNaN(result) || result[0] >= 0.95`. Anything else
// (JSON fields of a web provider, several comparisons) is left unread rather than guessed.

import type { SourceBound } from '../to-plan';

type Comparator = '<' | '<=' | '>' | '>=';

interface Comparison {
  comparator: Comparator;
  value: number;
}

const RESULT = String.raw`(?:asFloat\()?result(?:\[0\])?\)?`;
const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)`;
const COMPARATOR = String.raw`(<=|>=|<|>)`;
/** Guards that decide what an empty or NaN result does; the comparison after them is the bound. */
const GUARD = String.raw`^(?:(?:isNaN|isInf)\(${RESULT}\)\s*\|\|\s*|len\(result\)\s*==\s*0\s*\|\|\s*)?`;
const RESULT_FIRST = new RegExp(`${GUARD}${RESULT}\\s*${COMPARATOR}\\s*${NUMBER}$`);
const NUMBER_FIRST = new RegExp(`${GUARD}${NUMBER}\\s*${COMPARATOR}\\s*${RESULT}$`);
const FLIPPED: Record<Comparator, Comparator> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function parseCondition(text: string | undefined): Comparison | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const resultFirst = RESULT_FIRST.exec(trimmed);
  if (resultFirst) return { comparator: resultFirst[1] as Comparator, value: Number(resultFirst[2]) };
  const numberFirst = NUMBER_FIRST.exec(trimmed);
  if (numberFirst) return { comparator: FLIPPED[numberFirst[2] as Comparator], value: Number(numberFirst[1]) };
  return undefined;
}

/**
 * The bound a metric's conditions put on its result. A failure condition says where the metric fails; a success
 * condition alone fails everything else. With both, values between them are inconclusive, which the failure
 * condition's bound leaves out.
 */
export function conditionBound(successCondition: string | undefined, failureCondition: string | undefined): SourceBound | undefined {
  const failure = parseCondition(failureCondition);
  if (failure) return { direction: failure.comparator.startsWith('>') ? 'max' : 'min', value: failure.value };
  if (failureCondition !== undefined) return undefined;
  const success = parseCondition(successCondition);
  if (success) return { direction: success.comparator.startsWith('>') ? 'min' : 'max', value: success.value };
  return undefined;
}
