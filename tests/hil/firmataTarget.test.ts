/**
 * `hil run --target firmata:PATH --speed X`: the host's clock (the runner's and the Firmata
 * source's, which stamps samples and times flow pulses) runs at X times the wall, for
 * StandardFirmata in simavr started with `looptwin emulate --speed X`; without --speed it is the
 * wall. The FirmataSource is replaced by a stub that keeps its options, and the wall by fake timers.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { firmataTarget } from "../../src/hil/targets/firmataTarget.js";
import type { TargetOpenOptions } from "../../src/hil/targets/target.js";
import type { FirmataSourceOptions } from "../../src/rig/hardware/firmataSource.js";

const made: FirmataSourceOptions[] = [];

vi.mock("../../src/rig/hardware/firmataSource.js", () => ({
  FirmataSource: class {
    readonly kind = "firmata";
    constructor(options: FirmataSourceOptions) {
      made.push(options);
    }
    async open(): Promise<void> {}
    async close(): Promise<void> {}
  },
}));

const openOptions = {
  scenario: { rig: { rateHz: 10 } },
  signal: new AbortController().signal,
} as unknown as TargetOpenOptions;

afterEach(() => {
  vi.useRealTimers();
  made.length = 0;
});

/** Host milliseconds that pass on the session's clock and the source's scheduler over 4 s of wall. */
async function hostMsOver4WallSeconds(
  speed: number | undefined,
): Promise<{ clockMs: number; sourceMs: number }> {
  vi.useFakeTimers({ toFake: ["performance", "setTimeout", "clearTimeout"] });
  const target = firmataTarget("/tmp/ttyNONE", { cwd: "/", ...(speed !== undefined ? { speed } : {}) });
  const session = await target.open(openOptions);
  const scheduler = made[0]?.scheduler;
  if (scheduler === undefined) throw new Error("the source got no scheduler");
  const clock0 = session.clock.nowMs();
  const source0 = scheduler.nowMs();
  vi.advanceTimersByTime(4000);
  return { clockMs: session.clock.nowMs() - clock0, sourceMs: scheduler.nowMs() - source0 };
}

describe("firmataTarget's clock", () => {
  it("is the wall without --speed (a real board)", async () => {
    expect(await hostMsOver4WallSeconds(undefined)).toEqual({ clockMs: 4000, sourceMs: 4000 });
  });

  it("--speed 0.5: the runner and the source both see 2 s in 4 s of wall, as the emulator at --speed 0.5 does", async () => {
    expect(await hostMsOver4WallSeconds(0.5)).toEqual({ clockMs: 2000, sourceMs: 2000 });
  });

  it("the source's heartbeat is the device's 3 s, in host time", async () => {
    await hostMsOver4WallSeconds(0.5);
    expect(made[0]?.heartbeatTimeoutMs).toBe(3000);
    expect(made[0]?.path).toBe("/tmp/ttyNONE");
  });
});
