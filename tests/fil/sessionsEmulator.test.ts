/**
 * The shared device behaviour sessions (tests/fixtures/protocol/sessions, written for the
 * firmware) replayed on the TypeScript emulated device. The emulator differs from the firmware in
 * one way by design: it accepts `EMU` (fault injection), which the firmware answers `NAK unknown`;
 * the two sessions that send `EMU` to check that refusal fail there, and only there.
 */
import { describe, expect, it } from "vitest";
import { EMULATOR_BY_DESIGN, emulatorSessionDevice } from "./sessionDevices.js";
import { readSessions, replaySession } from "./sessionScript.js";

describe("the emulated device replays the firmware's behaviour sessions", () => {
  for (const session of readSessions()) {
    it(session.name, async () => {
      const r = await replaySession(session, emulatorSessionDevice(session));
      const known = EMULATOR_BY_DESIGN[session.name] ?? [];
      expect(r.failures.length, r.failures.join("\n")).toBe(known.length);
      r.failures.forEach((f, i) => {
        expect(f).toMatch(known[i] as RegExp);
      });
    });
  }
});
