// The digits every MNIST run here shares, in a form that works in Node and in the browser: a set of
// 28 × 28 images as one row-major Float32Array (a row of 784 pixels in [0, 1] per digit) and their
// labels, and the compact byte form the demo page downloads.
//
// The `mnist` package stores each pixel as k/255 rounded to three decimals, so one byte per pixel
// (k) holds it exactly: decoding rounds k/255 to three decimals again and gives back the same
// float the package holds. (Float32 of that decimal, as tfjs receives it either way.)

/** Pixels per image: 28 × 28. */
export const PIXELS = 784;
/** Digit classes 0–9. */
export const CLASSES = 10;

/** A set of labelled digits. */
export interface Digits {
  /** Number of digits. */
  readonly count: number;
  /** count × 784, row-major, pixel values in [0, 1]. */
  readonly images: Float32Array;
  /** count labels, 0–9. */
  readonly labels: Uint8Array;
}

/** The package's value of grey level k (0–255): k/255 rounded to three decimals. */
export function pixelValue(k: number): number {
  return Math.round((k / 255) * 1000) / 1000;
}

const LEVELS = Float32Array.from({ length: 256 }, (_, k) => pixelValue(k));

/** The digits at `indices` of `from`, in that order. */
export function pick(from: Digits, indices: ArrayLike<number>): Digits {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    images.set(from.images.subarray(i * PIXELS, (i + 1) * PIXELS), r * PIXELS);
    labels[r] = from.labels[i];
  }
  return { count: indices.length, images, labels };
}

// Byte form: "MNST", a u32 count (little-endian), count labels, count × 784 grey levels.
const MAGIC = [0x4d, 0x4e, 0x53, 0x54];
const HEADER = 8;

/** The digits as bytes: one per label and one grey level per pixel. */
export function encodeDigits(digits: Digits): Uint8Array {
  const out = new Uint8Array(HEADER + digits.count * (1 + PIXELS));
  out.set(MAGIC);
  new DataView(out.buffer).setUint32(4, digits.count, true);
  out.set(digits.labels, HEADER);
  const pixels = out.subarray(HEADER + digits.count);
  for (let k = 0; k < pixels.length; k++) {
    const level = Math.round(digits.images[k] * 255);
    if (LEVELS[level] !== digits.images[k]) {
      throw new RangeError(`encodeDigits: pixel ${k} is ${digits.images[k]}, not a grey level k/255 to three decimals`);
    }
    pixels[k] = level;
  }
  return out;
}

/** The digits `encodeDigits` wrote. */
export function decodeDigits(bytes: Uint8Array): Digits {
  const magicOk = MAGIC.every((b, i) => bytes[i] === b);
  const count = bytes.length >= HEADER ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true) : -1;
  if (!magicOk || bytes.length !== HEADER + count * (1 + PIXELS)) {
    throw new RangeError(`decodeDigits: not a digit file (${bytes.length} bytes)`);
  }
  const labels = bytes.slice(HEADER, HEADER + count);
  const levels = bytes.subarray(HEADER + count);
  const images = new Float32Array(levels.length);
  for (let k = 0; k < levels.length; k++) images[k] = LEVELS[levels[k]];
  return { count, images, labels };
}
