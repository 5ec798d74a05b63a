/**
 * Run as `node --expose-gc --import tsx tests/protocol/framerHeapProbe.ts [MB]`: pushes MB megabytes
 * without a newline through a LineFramer and prints the growth of heap + external memory (after full
 * GCs) as JSON.
 * Used by lineFramer.test.ts (in a child process, since vitest's workers do not expose gc).
 */
import { LineFramer } from "../../src/protocol/lineFramer.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const megabytes = Number(process.argv[2] ?? 10);
let overflows = 0;
let lines = 0;
const framer = new LineFramer({ onLine: () => lines++, onOverflow: () => overflows++ });
const chunk = new Uint8Array(65536).fill(0x41);
// Warm up: the same code paths once, so compiled code and inline caches are in place before measuring.
for (let i = 0; i < 40; i++) framer.push(chunk);
framer.push(Uint8Array.of(10));
const settle = () => {
  for (let i = 0; i < 4; i++) gc();
  // Typed-array contents live outside the JS heap: count them too.
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const before = settle();
const chunks = Math.ceil((megabytes * 1024 * 1024) / chunk.length);
for (let i = 0; i < chunks; i++) framer.push(chunk);
const after = settle();
const retained = framer.bufferedBytes;
framer.push(Uint8Array.of(10));
process.stdout.write(
  `${JSON.stringify({ bytes: chunks * chunk.length, memoryGrowthBytes: after - before, retainedBytes: retained, overflows, lines })}\n`,
);
