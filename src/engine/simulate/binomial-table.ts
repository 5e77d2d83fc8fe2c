// Exact binomial draws by table inversion, for the per-step draws whose (n, p) recur thousands of times in a
// run (a segment's traffic per step, a stage's weight, the baseline error rate): the cumulative distribution is
// built once, and each draw is one uniform and a guided search (Chen and Asau's guide table).

/** Above this variance a table would exceed a few thousand entries; the draw is a normal approximation instead (skewness ≤ 0.01). */
export const TABLE_MAX_VARIANCE = 10_000;
/** Tables are kept for n up to this (a segment's requests per step); beyond, the index by n would cost too much memory. */
const MAX_TABLE_COUNT = 1 << 17;
/** A table stops where the probability of one value falls below this. */
const TAIL_MASS = 1e-14;
/** Entries kept over all tables of one simulator; past it the cache starts afresh (which costs time, never changes a draw). */
const MAX_CACHED_ENTRIES = 2_000_000;

/**
 * One distribution packed in one array, so a draw touches one object: [low, size, guide × size, cdf × size], where
 * cdf[i] = P(X ≤ low + i) (the last is 1) and guide[j] is the first i whose cdf exceeds j / size.
 */
type BinomialTable = Float64Array;

/** The tables of one simulator, by rate; each rate's tables by n. */
export class BinomialTables {
  private readonly byRate = new Map<number, RateTables>();
  private last: RateTables | null = null;
  /** Entries held over all tables. */
  private entries = 0;

  // Tables don't pay for a rate used in only a few draws (a partial step, a growing error rate): callers use the
  // general sampler for those.
  constructor(
    /** Largest n the tables are asked for: a segment's requests in one step. */
    readonly maxCount: number,
  ) {}

  /**
   * Tables of Binomial(n, p) for every n up to maxCount; look it up once per step, not per draw. Null when the
   * plan's traffic per step is beyond MAX_TABLE_COUNT: the caller then uses the general sampler.
   */
  forRate(p: number): RateTables | null {
    if (this.maxCount > MAX_TABLE_COUNT) return null;
    if (this.last && this.last.p === p) return this.last;
    let rate = this.byRate.get(p);
    if (!rate) {
      rate = new RateTables(p, this);
      this.byRate.set(p, rate);
    }
    this.last = rate;
    return rate;
  }

  /** Called when a table is added; past the cap every cached table is dropped (costs time, never changes a draw). */
  grow(entries: number): void {
    this.entries += entries;
    if (this.entries > MAX_CACHED_ENTRIES) {
      for (const rate of this.byRate.values()) rate.clear();
      this.entries = entries;
    }
  }
}

export class RateTables {
  /** By n, dense (filled with null up front so the engine keeps fast elements, not a dictionary). */
  private byCount: (BinomialTable | null)[];

  constructor(
    readonly p: number,
    private readonly owner: BinomialTables,
  ) {
    this.byCount = new Array<BinomialTable | null>(owner.maxCount + 1).fill(null);
  }

  /** The table of Binomial(n, p), for n ≥ 1 and n·p·(1−p) ≤ TABLE_MAX_VARIANCE. */
  table(n: number): BinomialTable {
    let table = this.byCount[n];
    if (table === null) {
      table = buildTable(n, this.p);
      this.owner.grow(table.length);
      this.byCount[n] = table;
    }
    return table;
  }

  clear(): void {
    this.byCount.fill(null);
  }
}

/** The smallest k with P(X ≤ k) > u. */
export function sampleTable(table: BinomialTable, u: number): number {
  const size = table[1];
  const cdfStart = 2 + size;
  let i = cdfStart + table[2 + Math.floor(u * size)];
  while (table[i] <= u) i++;
  return table[0] + i - cdfStart;
}

function buildTable(n: number, p: number): BinomialTable {
  // Start at the mode, where the mass is largest, and recur outwards until the mass is below TAIL_MASS: what lies
  // beyond is under 1e-12 in all, far below the 2^-32 resolution of a uniform, so no draw could reach it.
  const odds = p / (1 - p);
  const mode = Math.floor((n + 1) * p) > n ? n : Math.floor((n + 1) * p);
  const modeMass = Math.exp(
    logFactorial(n) - logFactorial(mode) - logFactorial(n - mode) + mode * Math.log(p) + (n - mode) * Math.log1p(-p),
  );
  const above: number[] = [];
  for (let k = mode, mass = modeMass; k < n; k++) {
    mass = (mass * odds * (n - k)) / (k + 1);
    above.push(mass);
    if (mass < TAIL_MASS) break;
  }
  const below: number[] = [];
  for (let k = mode, mass = modeMass; k > 0; k--) {
    mass = (mass * k) / (odds * (n - k + 1));
    below.push(mass);
    if (mass < TAIL_MASS) break;
  }
  const low = mode - below.length;
  const size = below.length + 1 + above.length;
  const mass = new Float64Array(size);
  for (let i = 0; i < below.length; i++) mass[below.length - 1 - i] = below[i];
  mass[below.length] = modeMass;
  for (let i = 0; i < above.length; i++) mass[below.length + 1 + i] = above[i];
  // Normalising removes any rounding in the mode's mass.
  let total = 0;
  for (let i = 0; i < size; i++) total += mass[i];
  const table = new Float64Array(2 + 2 * size);
  table[0] = low;
  table[1] = size;
  const cdfStart = 2 + size;
  let running = 0;
  for (let i = 0; i < size; i++) {
    running += mass[i] / total;
    table[cdfStart + i] = running;
  }
  table[cdfStart + size - 1] = 1;
  let index = 0;
  for (let j = 0; j < size; j++) {
    while (table[cdfStart + index] <= j / size) index++;
    table[2 + j] = index;
  }
  return table;
}

const LOG_FACTORIAL_TABLE_SIZE = 256;
const logFactorialTable = (() => {
  const table = new Float64Array(LOG_FACTORIAL_TABLE_SIZE);
  for (let i = 2; i < LOG_FACTORIAL_TABLE_SIZE; i++) table[i] = table[i - 1] + Math.log(i);
  return table;
})();

/** log(k!): a table for small k, Stirling's series (error below 1e-15 here) above it. */
export function logFactorial(k: number): number {
  if (k < LOG_FACTORIAL_TABLE_SIZE) return logFactorialTable[k];
  const x = k + 1;
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  return (x - 0.5) * Math.log(x) - x + 0.9189385332046728 + inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 / 1260));
}
