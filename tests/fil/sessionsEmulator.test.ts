/**
 * The shared device behaviour sessions (tests/fixtures/protocol/sessions, written for the
 * firmware) replayed on the TypeScript emulated device. The emulator differs from the firmware in
 * one way by design: it accepts `EMU` (fault injection), which the firmware answers `NAK unknown`;
 * the two sessions that send `EMU` to check that refusal fail there, and only there.
 */
import { describe, expect, it } from "vitest";
import { emulatorSessionDevice } from "./sessionDevices.js";
import { readSessions, replaySession } from "./sessionScript.js";

/** Session lines the emulator fails by design (it answers EMU itself). */
export const EMULATOR_BY_DESIGN: Readonly<Record<string, readonly RegExp[]>> = {
  "commands.txt": [/^commands\.txt:25: expected NAK,8,unknown\*\{CRC\}, got ACK,8\*/],
  "terminal.txt": [/^terminal\.txt:26: expected NAK,11,unknown\*D7A4, got ACK,11\*/],
};

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
