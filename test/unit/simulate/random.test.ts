// The samplers against exact distributions, one (n, p) per regime: inversion, BTRS, the normal approximation,
// the cached tables; and the p95 estimate's order-statistic draw.

import * as assert from 'assert';
import { BinomialTables, TABLE_MAX_VARIANCE } from '../../../src/engine/simulate/binomial-table';
import { quantile } from '../../../src/engine/simulate/latency';
import { BINOMIAL_INVERSION_MAX_MEAN, BINOMIAL_NORMAL_MIN_VARIANCE, createRandom } from '../../../src/engine/simulate/random';
import { binomialPmf } from './helpers';

const SEED = 424242;
const DRAWS = 20000;

/** Compares the empirical CDF with the exact one at the quartiles; each within 4 standard errors. */
function assertMatchesBinomial(n: number, p: number, draw: () => number, regime: string): void {
  const counts = new Map<number, number>();
  for (let i = 0; i < DRAWS; i++) {
    const k = draw();
    assert.ok(Number.isInteger(k) && k >= 0 && k <= n, `${regime}: ${k} is not in 0..${n}`);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let cumulative = 0;
  let empirical = 0;
  const quartiles = [0.25, 0.5, 0.75];
  for (let k = 0; k <= n && quartiles.length > 0; k++) {
    cumulative += binomialPmf(n, p, k);
    empirical += counts.get(k) ?? 0;
    if (cumulative >= quartiles[0]) {
      quartiles.shift();
      const standardError = Math.sqrt((cumulative * (1 - cumulative)) / DRAWS);
      assert.ok(
        Math.abs(empirical / DRAWS - cumulative) <= 4 * standardError,
        `${regime} Binomial(${n}, ${p}) at ${k}: P(X ≤ k) ${cumulative.toFixed(4)}, drawn ${(empirical / DRAWS).toFixed(4)} (seed ${SEED})`,
      );
    }
  }
}

describe('simulator random draws', () => {
  it('draws binomials by inversion below a mean of 10', () => {
    const random = createRandom(SEED);
    assert.ok(1000 * 0.005 < BINOMIAL_INVERSION_MAX_MEAN);
    assertMatchesBinomial(1000, 0.005, () => random.binomial(1000, 0.005), 'inversion');
    assertMatchesBinomial(20, 0.7, () => random.binomial(20, 0.7), 'inversion (p > 0.5)');
  });

  it('draws binomials by BTRS between', () => {
    const random = createRandom(SEED);
    assert.ok(300 * 0.2 * 0.8 < BINOMIAL_NORMAL_MIN_VARIANCE);
    assertMatchesBinomial(300, 0.2, () => random.binomial(300, 0.2), 'BTRS');
  });

  it('draws large binomials by the normal approximation, close to exact', () => {
    const random = createRandom(SEED);
    assert.ok(2000 * 0.4 * 0.6 >= BINOMIAL_NORMAL_MIN_VARIANCE);
    assertMatchesBinomial(2000, 0.4, () => random.binomial(2000, 0.4), 'normal');
  });

  it('draws from cached tables exactly, whatever else the tables hold', () => {
    const tables = new BinomialTables(20000);
    const random = createRandom(SEED);
    const rate = tables.forRate(0.25)!;
    assert.ok(17820 * 0.25 * 0.75 <= TABLE_MAX_VARIANCE);
    assertMatchesBinomial(17820, 0.25, () => random.binomialRepeated(17820, rate), 'table');
    const errors = tables.forRate(0.002)!;
    assertMatchesBinomial(8910, 0.002, () => random.binomialRepeated(8910, errors), 'table (small mean)');
    // A draw depends on the uniform only, not on which tables were built before.
    const fresh = new BinomialTables(20000).forRate(0.002)!;
    const a = createRandom(1);
    const b = createRandom(1);
    for (let i = 0; i < 200; i++) assert.strictEqual(a.binomialRepeated(8000 + i, errors), b.binomialRepeated(8000 + i, fresh));
  });

  it('gives the same stream for the same seed and another for another seed', () => {
    const draws = (seed: number) => Array.from({ length: 5 }, (_, i) => createRandom(seed).binomial(1000 * (i + 1), 0.3));
    assert.deepStrictEqual(draws(9), draws(9));
    assert.notDeepStrictEqual(draws(9), draws(10));
  });

  it('draws beta variables with the right mean, for the p95 order statistic', () => {
    const random = createRandom(SEED);
    let sum = 0;
    for (let i = 0; i < DRAWS; i++) sum += random.beta(950, 51);
    assert.ok(Math.abs(sum / DRAWS - 950 / 1001) < 1e-4);
  });

  it('maps the 95th percentile to the baseline p95, and a mixture between its components', () => {
    assert.ok(Math.abs(quantile(0.95, 180, 0, 1) - 180) < 1e-6);
    assert.ok(Math.abs(quantile(0.95, 180, 1, 1.5) - 270) < 1e-6);
    const mixed = quantile(0.95, 180, 0.5, 1.5);
    assert.ok(mixed > 180 && mixed < 270);
  });
});
