/** KTO's class balance: how many rows are desirable, and the KTOConfig weights that balance them as TRL recommends. */

/**
 * The desirable and undesirable counts of a `kto` file and the `desirable_weight` /
 * `undesirable_weight` to pass to TRL's KTOConfig. TRL (after the KTO paper, eq. 8) warns unless
 * `desirable_weight * desirable / (undesirable_weight * undesirable)` lies in [1, 1.33]: the
 * minority class is weighted up and the other keeps 1. Weights have two decimals, rounded so the
 * ratio stays inside the range (checked against TRL's own rounding in tests/exports.test.ts).
 */
export interface KtoBalance {
  desirable: number
  undesirable: number
  desirable_weight: number
  undesirable_weight: number
  /** `desirable_weight * desirable / (undesirable_weight * undesirable)`; null when a class is empty. */
  ratio: number | null
}

const up2 = (x: number) => Math.ceil(x * 100 - 1e-9) / 100
const down2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100

/**
 * The balance of `desirable` against `undesirable` rows. An empty class counts as one row, as
 * TRL counts it, so the weights given never draw TRL's warning.
 */
export function ktoBalance(desirable: number, undesirable: number): KtoBalance {
  let dw = 1
  let uw = 1
  const d = Math.max(desirable, 1)
  const u = Math.max(undesirable, 1)
  // Fewer desirable rows: weigh them up to at least the undesirable total (ratio ≥ 1).
  if (d < u) dw = up2(u / d)
  // Fewer undesirable rows: weigh them up, but never past the desirable total (ratio ≥ 1 again).
  else if (u < d) uw = down2(d / u)
  const ratio = desirable > 0 && undesirable > 0 ? Math.round(((dw * desirable) / (uw * undesirable)) * 1e4) / 1e4 : null
  return { desirable, undesirable, desirable_weight: dw, undesirable_weight: uw, ratio }
}
