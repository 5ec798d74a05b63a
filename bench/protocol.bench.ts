/**
 * `parse_lines_per_s`: framing + CRC + parsing (+ stream statistics) of TLM lines from a buffer
 * through {@link DeviceStreamDecoder}, one thread, in 64 KiB chunks as a serial port or a file read
 * delivers them. Target (issue 3): at least 1,000,000 lines per second on one core.
 *
 * Measured per CPU second of the process (user + system time of all its threads, so GC helper
 * threads count against it), the median of 7 rounds: on a shared machine, wall time also counts
 * other people's work. The wall-clock rate is reported beside it (`parse_lines_per_s_wall`).
 *
 * Also reported, without targets: `parse_safe_lines_per_s`, the allocating string API
 * (`parseDeviceLine` on each line as a string, plus `StreamStats.observe`), for comparison.
 */
import { performance } from "node:perf_hooks";
import { SeededRng } from "../src/core/rng.js";
import { DeviceStreamDecoder } from "../src/protocol/deviceStream.js";
import { formatDeviceMessage } from "../src/protocol/format.js";
import { parseDeviceLine } from "../src/protocol/parse.js";
import { StreamStats } from "../src/protocol/streamStats.js";
import type { BenchFile } from "./run.js";

const LINES = 500_000;
const CHUNK_BYTES = 64 * 1024;
const ROUNDS = 7;

/** Realistic telemetry at 100 Hz: drifting counts, growing pulses, a CRLF now and then. */
function telemetryLines(count: number, seed: number): string[] {
  const rng = new SeededRng(seed);
  const out: string[] = [];
  let pulses = 4294000000;
  for (let i = 0; i < count; i++) {
    pulses = (pulses + rng.int(8)) % 4294967296;
    out.push(
      formatDeviceMessage({
        type: "TLM",
        seq: (4294900000 + i) % 4294967296,
        tMs: (4294000000 + i * 10) % 4294967296,
        adcHot: 1400 + rng.int(200),
        adcCold: 1900 + rng.int(200),
        adcAmb: i % 2 === 0 ? 2050 + rng.int(20) : -1,
        pulses,
        pumpDuty: 200,
        heaterDuty: rng.int(256),
        fanDuty: 255,
        flags: rng.int(32),
      }),
    );
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const bench: BenchFile = {
  name: "protocol",
  async run() {
    const lines = telemetryLines(LINES, 3);
    const text = `${lines.map((l, i) => (i % 10 === 0 ? `${l}\r` : l)).join("\n")}\n`;
    const buffer = new TextEncoder().encode(text);

    const cpuRates: number[] = [];
    const wallRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let checksum = 0;
      const decoder = new DeviceStreamDecoder({ onTlm: (m) => (checksum += m.adcHot) });
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let at = 0; at < buffer.length; at += CHUNK_BYTES)
        decoder.push(buffer.subarray(at, at + CHUNK_BYTES));
      const cpu = process.cpuUsage(cpu0);
      const wallS = (performance.now() - t0) / 1000;
      const s = decoder.summary();
      if (s.samples !== LINES || s.seq_gaps !== 0 || checksum === 0)
        throw new Error(`bench decoded ${s.samples} of ${LINES} samples`);
      cpuRates.push(LINES / ((cpu.user + cpu.system) / 1e6));
      wallRates.push(LINES / wallS);
    }

    const safeRates: number[] = [];
    for (let round = 0; round < 3; round++) {
      const stats = new StreamStats();
      const cpu0 = process.cpuUsage();
      for (const l of lines) stats.observe(parseDeviceLine(l));
      const cpu = process.cpuUsage(cpu0);
      if (stats.summary().samples !== LINES) throw new Error("safe path lost samples");
      safeRates.push(LINES / ((cpu.user + cpu.system) / 1e6));
    }

    return {
      parse_lines_per_s: {
        value: median(cpuRates),
        unit: "lines/cpu-s",
        target: { op: ">=", value: 1_000_000 },
      },
      parse_lines_per_s_wall: { value: median(wallRates), unit: "lines/s" },
      parse_safe_lines_per_s: { value: median(safeRates), unit: "lines/cpu-s" },
    };
  },
};

export default bench;
