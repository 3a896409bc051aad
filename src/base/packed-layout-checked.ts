// The packed-layout helpers as the public API offers them: the same arithmetic as
// packed-layout.ts, behind argument checks, since a user's "3" or −1 would otherwise give
// 46.5 or −1 silently. The library itself calls the unchecked ones inside its loops.
import { packedIndex as uncheckedIndex, packedLength as uncheckedLength } from "./packed-layout.js";
import { describeValue } from "./validate.js";

/** A non-negative integer argument. @throws {TypeError} for a non-number, {RangeError} for a bad number. */
function assertNonNegativeInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`\`${name}\` must be a non-negative integer; received ${describeValue(value)}.`);
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`\`${name}\` must be a non-negative integer; received ${describeValue(value)}.`);
  }
}

/**
 * Number of stored entries of a packed dim×dim symmetric matrix, dim(dim+1)/2.
 * @throws {TypeError} when dim is not a number. @throws {RangeError} when it is not a non-negative integer.
 * @category Linear algebra
 */
export function packedLength(dim: number): number {
  assertNonNegativeInteger("dim", dim);
  return uncheckedLength(dim);
}

/**
 * Position of A[i][j] (either triangle) in packed 'U' storage: i + j(j+1)/2 for i <= j.
 * @throws {TypeError} when i or j is not a number. @throws {RangeError} when one is not a non-negative integer.
 * @category Linear algebra
 */
export function packedIndex(i: number, j: number): number {
  assertNonNegativeInteger("i", i);
  assertNonNegativeInteger("j", j);
  return uncheckedIndex(i, j);
}
