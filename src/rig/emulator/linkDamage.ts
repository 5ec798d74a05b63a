/**
 * What link faults do to bytes on the wire, the same for the emulated device and the
 * firmware-in-the-loop bridge so a scenario means the same on both: `link_corrupt` flips one
 * random bit of a byte at the corruption rate; `link_drop` loses the first line of each host chunk
 * at the drop rate. Randomness from the caller's seeded generator, drawn in a fixed order.
 */
import type { SeededRng } from "../../core/rng.js";

/** Counters the damage adds to. */
export interface LinkDamageStats {
  bytesCorrupted: number;
  linesDropped: number;
}

/** Flips one random bit of each byte of `bytes` (in place) with probability `rate`; counts them. */
export function flipBits(bytes: Uint8Array, rate: number, rng: SeededRng, stats: LinkDamageStats): void {
  for (let i = 0; i < bytes.length; i++) {
    if (rng.uniform() < rate) {
      bytes[i] = bytes[i]! ^ (1 << rng.int(8));
      stats.bytesCorrupted++;
    }
  }
}

/**
 * Host bytes through the link faults: a copy with bits flipped at `corruptRate`, then, at
 * `dropRate`, without its first line (up to and including the newline; all of it without one).
 */
export function damageHostBytes(
  bytes: Uint8Array,
  corruptRate: number,
  dropRate: number,
  rng: SeededRng,
  stats: LinkDamageStats,
): Uint8Array {
  const copy = Buffer.from(bytes);
  if (corruptRate > 0) flipBits(copy, corruptRate, rng, stats);
  if (dropRate > 0 && rng.uniform() < dropRate) {
    const nl = copy.indexOf(10);
    stats.linesDropped++;
    return nl < 0 ? copy.subarray(copy.length) : copy.subarray(nl + 1);
  }
  return copy;
}
