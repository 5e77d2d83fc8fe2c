import * as assert from 'assert';
import { binomialUpperTail } from '../../src/engine/stats/binomial';

/** Exact P(X > k) by direct summation, for checking. */
function exactUpperTail(n: number, p: number, k: number): number {
  let lower = 0;
  let term = Math.pow(1 - p, n);
  for (let i = 0; i <= k; i++) {
    lower += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return 1 - lower;
}

describe('binomial tails', () => {
  it('match direct summation in the exact regime', () => {
    for (const [n, p, k] of [
      [60, 0.0045, 0],
      [500, 0.01, 3],
      [2000, 0.004, 8],
      [100, 0.3, 25],
    ] as const) {
      assert.ok(Math.abs(binomialUpperTail(n, p, k) - exactUpperTail(n, p, k)) < 1e-9, `n=${n} p=${p} k=${k}`);
    }
  });

  it('stay within half a percentage point in the normal regime', () => {
    for (const [n, p, k] of [
      [20000, 0.01, 230],
      [100000, 0.002, 220],
      [5000, 0.1, 520],
    ] as const) {
      assert.ok(
        Math.abs(binomialUpperTail(n, p, k) - exactUpperTail(n, p, k)) < 0.005,
        `n=${n} p=${p} k=${k}: ${binomialUpperTail(n, p, k)} vs ${exactUpperTail(n, p, k)}`,
      );
    }
  });

  it('handle the edges', () => {
    assert.strictEqual(binomialUpperTail(10, 0, 0), 0);
    assert.strictEqual(binomialUpperTail(10, 1, 9), 1);
    assert.strictEqual(binomialUpperTail(10, 0.5, -1), 1);
    assert.strictEqual(binomialUpperTail(10, 0.5, 10), 0);
  });
});
