/**
 * A fingerprint of everything the monitoring pipeline computes, for changes that must not change
 * a number (speed work, moving code between files): every field of the monitor's output, each
 * family's level and the pump-versus-meter evidence at every sample, every alarm event, and the
 * loop figures every 100th sample, hashed (SHA-256 of the doubles' bytes) through the whole byte
 * path (TLM lines -> DeviceStreamDecoder -> TelemetryConverter -> monitor). Runs the pipeline
 * bench's 6 h nominal stream and ten 30-minute fault runs (one with lost lines and a gap).
 *
 *   node --import tsx scripts/monitorOutputHash.ts
 *
 * Run it before and after a change (a `git worktree` of the old commit for the before) and diff
 * the two outputs: any line that differs names the run whose numbers moved.
 */
import { createHash } from "node:crypto";
import { DEFAULT_RIG_CALIBRATION, EmulatedRig } from "../src/detect/evaluation/emulatedRig.js";
import { nominalSchedule } from "../src/detect/evaluation/monitorEvaluation.js";
import { createMonitor, MONITOR_CAUSES } from "../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../src/detect/monitor/monitorTypes.js";
import { createRigSample } from "../src/model/rigSample.js";
import { TelemetryConverter } from "../src/model/telemetryConverter.js";
import { DeviceStreamDecoder } from "../src/protocol/deviceStream.js";
import { HASH_FAULT_RUN_S, HASH_FAULT_RUN_SEED, HASH_FAULTS, HASH_GAP_RUN } from "./hashFaultRuns.js";

/** One run's line: what ran, samples, alarm events, and the first 16 hex digits of the hash. */
function run(seed: number, durationS: number, faults: string[], dropLines = false): string {
  const rig = new EmulatedRig({ seed, setpoints: nominalSchedule(durationS, seed), faults });
  const lines: string[] = [];
  const steps = new Map<number, { sp: OperatorSetpoints; tS: number }>();
  for (let i = 0; i < durationS * 10; i++) {
    rig.next((sp, tS) => steps.set(i, { sp: { ...sp }, tS }));
    // Lost lines: one in 97, and 90 s in a row (a gap the twins predict through).
    if (dropLines && (i % 97 === 5 || (i > 9000 && i < 9900))) continue;
    lines.push(rig.tlmLine());
  }
  const bytes = new TextEncoder().encode(`${lines.join("\n")}\n`);
  const hash = createHash("sha256");
  const numbers = new Float64Array(64);
  const monitor = createMonitor();
  const converter = new TelemetryConverter(DEFAULT_RIG_CALIBRATION);
  const sample = createRigSample();
  monitor.setSetpoints(rig.initialSetpoints, 0);
  let i = 0;
  let events = 0;
  const decoder = new DeviceStreamDecoder({
    onTlm: (tlm) => {
      const step = steps.get(i);
      if (step !== undefined) monitor.setSetpoints(step.sp, step.tS);
      for (const e of monitor.step(converter.convert(tlm, sample))) {
        events++;
        hash.update(JSON.stringify(e));
      }
      const o = monitor.output;
      let k = 0;
      for (const [key, value] of Object.entries(o)) {
        if (typeof value === "number") numbers[k++] = value;
        else hash.update(`${key}=${String(value)}`);
      }
      for (const cause of MONITOR_CAUSES) numbers[k++] = monitor.familyLevel(cause);
      numbers[k++] = monitor.pumpEvidence;
      hash.update(new Uint8Array(numbers.buffer, 0, k * 8));
      if (i % 100 === 0) hash.update(JSON.stringify(monitor.performance()));
      i++;
    },
  });
  for (let at = 0; at < bytes.length; at += 65536) decoder.push(bytes.subarray(at, at + 65536));
  const name = faults.join(";") || "nominal 6 h";
  return `${name}${dropLines ? " (lines lost)" : ""}: ${i} samples, ${events} events, ${hash.digest("hex").slice(0, 16)}`;
}

console.log(run(21, 6 * 3600, []));
for (const fault of HASH_FAULTS) console.log(run(HASH_FAULT_RUN_SEED, HASH_FAULT_RUN_S, [fault]));
console.log(run(HASH_GAP_RUN.seed, HASH_FAULT_RUN_S, [HASH_GAP_RUN.fault], true));
