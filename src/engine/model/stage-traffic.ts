// How many requests a stage sends to each version, and over which windows its gates judge them. The simulator
// (src/engine/simulate/compile.ts) and the gate statistics of `check` (src/engine/stats/gate-power.ts) both read
// these, so the lint's estimates are about the traffic the simulator replays.

/** Shortest time step: Flagger's shortest interval, and the finest grain a stage schedule needs. */
export const MIN_STEP_SECONDS = 10;
/** Longest time step: a plan whose intervals are whole minutes is replayed minute by minute. */
export const MAX_STEP_SECONDS = 60;

export interface StageRouting {
  /** Stage weight as a fraction (0 to 1). */
  weight: number;
  /** `internal`: only internal users (traffic.internalShare of all traffic) reach the new version. */
  internal: boolean;
  /** A blue-green plan's stage on all traffic after the internal one: the switch serves every request. */
  blueGreenSwitch: boolean;
}

/**
 * Share (0 to 1) of all traffic the new version receives in a stage: its weight of all traffic for `cohort: all`,
 * weight × internalShare for `cohort: internal`, 1 for a blue-green switch. The rest goes to the current version,
 * internal users included, and a relative gate compares with all of it.
 */
export function stageRouteShare(routing: StageRouting, internalShare: number): number {
  if (routing.blueGreenSwitch) return 1;
  return routing.internal ? routing.weight * internalShare : routing.weight;
}

/** Expected requests to the new and the current version in a window of a stage. */
export function windowRequests(
  requestsPerSecond: number,
  routeShare: number,
  windowMinutes: number,
): { newVersion: number; currentVersion: number } {
  const total = requestsPerSecond * windowMinutes * 60;
  return { newVersion: total * routeShare, currentVersion: total * (1 - routeShare) };
}

/**
 * The replay's time step: the greatest common divisor of the gated stages' intervals, in whole seconds, brought
 * into 10 s to 60 s (above a minute, its largest divisor up to 60 s; below 10 s, 10 s and the intervals rounded).
 * Intervals of whole minutes give 1-minute steps; Flagger's 10 s or 30 s intervals give 10 s or 30 s steps.
 */
export function planStepMinutes(intervalsMinutes: readonly number[]): number {
  let divisor = 0;
  for (const minutes of intervalsMinutes) {
    const seconds = Math.round(minutes * 60);
    if (seconds > 0) divisor = gcd(divisor, seconds);
  }
  if (divisor === 0) return MAX_STEP_SECONDS / 60;
  if (divisor < MIN_STEP_SECONDS) return MIN_STEP_SECONDS / 60;
  for (let step = Math.min(divisor, MAX_STEP_SECONDS); step >= MIN_STEP_SECONDS; step--) if (divisor % step === 0) return step / 60;
  // A divisor above a minute with no divisor from 10 s to 60 s (a prime number of seconds): minute steps.
  return MAX_STEP_SECONDS / 60;
}

/** Whole steps of a duration: at least one. */
export function wholeSteps(minutes: number, stepMinutes: number): number {
  return Math.max(1, Math.round(minutes / stepMinutes));
}

/**
 * Length in steps of each evaluation window of a stage: every interval from the stage's start, the last window
 * running to the stage's end, so a duration that is not a multiple of the interval lengthens the last window
 * instead of adding a short one (50m every 15m: 15, 15 and 20 minutes). Durations and intervals are whole steps.
 */
export function evaluationWindowSteps(durationMinutes: number, intervalMinutes: number, stepMinutes: number): number[] {
  const steps = wholeSteps(durationMinutes, stepMinutes);
  const intervalSteps = wholeSteps(intervalMinutes, stepMinutes);
  const evaluations = Math.max(1, Math.floor(steps / intervalSteps));
  return Array.from({ length: evaluations }, (_, i) => (i === evaluations - 1 ? steps - i * intervalSteps : intervalSteps));
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

const MINUTES_PER_WEEK = 168 * 60;

/** Minutes since Monday 00:00 UTC of the week `start` falls in, to the whole minute. */
export function minuteOfWeek(start: Date): number {
  // 1970-01-01 was a Thursday: Monday 00:00 UTC came 4 days later.
  const minutes = Math.floor(start.getTime() / 60_000) - 4 * 24 * 60;
  return ((minutes % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
}

/** The profile's factor for the hour holding `minute` minutes after the rollout's start. */
export function profileFactor(profile: readonly number[], startMinuteOfWeek: number, minute: number): number {
  const hour = Math.floor(((((startMinuteOfWeek + minute) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK) / 60);
  return profile[hour];
}

/** The profile's mean factor over [from, to) minutes after the rollout's start. */
export function meanProfileFactor(profile: readonly number[], startMinuteOfWeek: number, from: number, to: number): number {
  if (to <= from) return profileFactor(profile, startMinuteOfWeek, from);
  let total = 0;
  let minute = from;
  while (minute < to) {
    // Up to the next hour boundary, or to the end.
    const absolute = startMinuteOfWeek + minute;
    const next = Math.min(to, minute + (60 - (((absolute % 60) + 60) % 60)));
    total += profileFactor(profile, startMinuteOfWeek, minute) * (next - minute);
    minute = next;
  }
  return total / (to - from);
}

/** The start of the week's quietest hour (the first of equals), in minutes since Monday 00:00 UTC. */
export function quietestHourStart(profile: readonly number[]): number {
  let quietest = 0;
  for (let hour = 1; hour < profile.length; hour++) if (profile[hour] < profile[quietest]) quietest = hour;
  return quietest * 60;
}
