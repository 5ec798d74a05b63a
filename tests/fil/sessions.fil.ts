/**
 * Differential testing on the shared behaviour sessions (tests/fixtures/protocol/sessions): every
 * session replayed on the real firmware in simavr and on the TypeScript emulated device, each
 * checked against the session, and the two compared line by line as the host sees them (event
 * lines in order and within 40 ms, TLM fields wherever the inputs are still).
 *
 * The firmware runs behind a real UART and a real ADC, so its replay allows what those take and
 * the host-side C++ replayer never sees: answers up to 40 ms after the `expect` (a burst of 15
 * commands at one millisecond is 30 ms of wire time), `expect-tlm-count` windows 10 ms later (a
 * RATE acts when its bytes have arrived), a sensor change meant for a command at the same
 * millisecond applied 30 ms ahead (the ADC needs a scan or two to see it), counts above the
 * ADC's full scale (4092) read as full scale, and a pulse counter set beyond what a flow meter
 * can count (boot.txt's wrap at 2^32) not compared.
 *
 * The emulator runs with `acceptEmu: false` (answering `EMU` as the firmware does); any
 * difference fails the test.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compareRuns } from "./differential.js";
import {
  ADC_FULL_SCALE_COUNTS,
  emulatorSessionDevice,
  FIL_SESSION_MAX_PULSES,
  filSessionDevice,
  relaxTlmForFil,
} from "./sessionDevices.js";
import { type ReplayResult, readSessions, replaySession, type Session } from "./sessionScript.js";

const FIL_REPLAY = { latencyMs: 40, windowShiftMs: 10, sensorLeadMs: 30 } as const;

/** Session time from which the pulse counter is beyond reach (Infinity when never). */
function unreachablePulsesFrom(session: Session): number {
  let pulses = 0;
  for (const d of session.directives) {
    if (d.kind !== "sensors" || d.values.pulses === undefined) continue;
    const jump = (((d.values.pulses - pulses) % 4294967296) + 4294967296) % 4294967296;
    if (jump > FIL_SESSION_MAX_PULSES) return d.tMs;
    pulses = d.values.pulses;
  }
  return Number.POSITIVE_INFINITY;
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers.splice(0)) await c();
});

describe("behaviour sessions: the firmware in simavr against the emulated device", () => {
  for (const session of readSessions()) {
    it(session.name, async () => {
      const fil = await filSessionDevice(session);
      closers.push(() => fil.close());
      const onFil: ReplayResult = await replaySession(session, fil, {
        ...FIL_REPLAY,
        relax: (p, kind) => (kind === "expect-tlm" ? relaxTlmForFil(p, fil.pulsesUnreachable) : p),
      });
      await fil.close();
      expect(onFil.failures, `the firmware fails ${session.name}`).toEqual([]);

      const onEmu = await replaySession(session, emulatorSessionDevice(session));
      expect(onEmu.failures, `the emulator fails ${session.name}`).toEqual([]);

      const inputs = session.directives.flatMap((d) =>
        d.kind === "recv" || d.kind === "sensors" ? [d.tMs, d.tMs - FIL_REPLAY.sensorLeadMs] : [],
      );
      const unreachable = unreachablePulsesFrom(session);
      const diffs = compareRuns("emulator", onEmu.lines, "firmware", onFil.lines, {
        eventTolMs: FIL_REPLAY.latencyMs,
        timeTolMs: 5,
        inputTimesMs: inputs,
        settleMs: 30,
        comparePulses: (t) => t < unreachable,
        fullScaleCounts: ADC_FULL_SCALE_COUNTS,
      });
      expect(diffs, `emulator and firmware differ on ${session.name}`).toEqual([]);
      // Both wrote telemetry throughout (a run without TLM would compare nothing).
      expect(onFil.lines.filter((l) => l.line.startsWith("TLM,")).length).toBeGreaterThan(
        session.endMs / 1000,
      );
    });
  }
});
