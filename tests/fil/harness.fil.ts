/**
 * The simavr harness with the real firmware ELF, at its line protocol: what the plant puts on the
 * pins reaches the firmware's measurements exactly, and what the firmware drives reaches the
 * plant as the hardware would drive it. Needs `npm run fil:build`.
 */
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, OperationalError } from "../../src/core/errors.js";
import { withCrc } from "../../src/protocol/format.js";
import type { DeviceMessage } from "../../src/protocol/messages.js";
import { parseDeviceLine } from "../../src/protocol/parse.js";
import { FIL_DEFAULT_PATHS, FilHarness, type FilStepResult } from "../../src/rig/fil/filHarness.js";

const harnesses: FilHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function start(uid: string | undefined = "0000BEEF"): Promise<FilHarness> {
  const h = await FilHarness.start(uid === undefined ? {} : { uid });
  harnesses.push(h);
  return h;
}

function lines(out: Buffer): DeviceMessage[] {
  return out
    .toString("latin1")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const r = parseDeviceLine(l);
      if (!r.ok) throw new Error(`bad line ${l}`);
      return r.value;
    });
}

/** Device time of a test's harness [us]. */
interface Clock {
  us: number;
}

/** Runs `forUs` more in 20 ms steps with constant inputs; every line the firmware wrote. */
async function runFor(
  h: FilHarness,
  clock: Clock,
  forUs: number,
  counts: readonly [number, number, number],
  pulsesPerStep = 0,
): Promise<{ messages: DeviceMessage[]; steps: FilStepResult[] }> {
  const fromUs = clock.us;
  clock.us += forUs;
  const out: Buffer[] = [];
  const steps: FilStepResult[] = [];
  for (let t = fromUs + 20_000; t <= clock.us; t += 20_000) {
    const r = await h.run(t, counts[0], counts[1], counts[2], pulsesPerStep);
    out.push(r.uartOut);
    steps.push(r);
  }
  return { messages: lines(Buffer.concat(out)), steps };
}

const send = (h: FilHarness, body: string): void => h.send(Buffer.from(`${withCrc(body)}\n`, "latin1"));

function lastTlm(ms: readonly DeviceMessage[]) {
  const t = ms.filter((m) => m.type === "TLM");
  const last = t[t.length - 1];
  if (last === undefined || last.type !== "TLM") throw new Error("no TLM");
  return last;
}

describe("FIL harness: inputs to the firmware", () => {
  it("the firmware measures exactly the plant's 12-bit counts on A0-A2 (16x oversampling of a dithered pin)", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    await runFor(h, clock, 200_000, [2048, 2048, 2048]);
    send(h, "PING,1");
    // Thresholds of the conventions (open >= 4084, short <= 8, over-temperature < 462) and
    // values that are not multiples of 4 (a single 10-bit reading could not give them).
    const sets: [number, number, number][] = [
      [461, 462, 463],
      [9, 4083, 4084],
      [4092, 1, 2047],
      [1234, 3001, 577],
      [2049, 2050, 2051],
    ];
    for (const set of sets) {
      const { messages } = await runFor(h, clock, 300_000, set);
      const tlm = lastTlm(messages);
      expect([tlm.adcHot, tlm.adcCold, tlm.adcAmb]).toEqual(set);
    }
  });

  it("counts every falling edge on D2 (INT0), bursts included", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    let total = 0;
    await runFor(h, clock, 100_000, [2048, 2048, 2048]);
    for (const perStep of [0, 1, 3, 7, 40, 150, 2]) {
      await runFor(h, clock, 200_000, [2048, 2048, 2048], perStep);
      total += perStep * 10;
    }
    const { messages } = await runFor(h, clock, 200_000, [2048, 2048, 2048]);
    expect(lastTlm(messages).pulses).toBe(total);
  });

  it("host bytes reach the firmware one per character time (115200 baud, 10 bits)", async () => {
    const h = await start();
    await runFor(h, { us: 0 }, 240_000, [2048, 2048, 2048]); // between two TLMs: the line is idle
    send(h, "PING,4242"); // 15 bytes: 1.30 ms on the wire
    const a = await h.run(241_200, 2048, 2048, 2048, 0);
    expect(a.uartOut.toString()).toBe("");
    const b = await h.run(246_000, 2048, 2048, 2048, 0);
    expect(b.uartOut.toString()).toBe(`${withCrc("ACK,4242")}\n`);
  });
});

describe("FIL harness: outputs to the plant", () => {
  it("pump and fan duty is what Timer1 drives: 255 x OCR1x / ICR1 with the firmware's rounding", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    await runFor(h, clock, 100_000, [2048, 2048, 2048]);
    let id = 1;
    for (const duty of [0, 1, 64, 128, 200, 254, 255]) {
      send(h, `PWM,${id++},pump,${duty}`);
      send(h, `PWM,${id++},fan,${255 - duty}`);
      const { steps } = await runFor(h, clock, 100_000, [2048, 2048, 2048]);
      const last = steps[steps.length - 1] as FilStepResult;
      // Independent of the firmware: OCR = round(duty x 320 / 255), phase-correct PWM with TOP 320.
      const driven = (d: number): number => (255 * Math.round((d * 320) / 255)) / 320;
      expect(last.pumpDuty).toBeCloseTo(driven(duty), 3);
      expect(last.fanDuty).toBeCloseTo(driven(255 - duty), 3);
    }
  });

  it("the heater SSR is on for duty/255 of each 1 s window", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    await runFor(h, clock, 260_000, [2048, 2048, 2048]);
    // TLMs off the window starts (at x.26 s + k/10 s): formatting a TLM takes the loop ~2 ms,
    // which would delay the switch-on when a TLM is due at the same millisecond.
    send(h, "RATE,1,10");
    send(h, "PWM,2,heater,128");
    await runFor(h, clock, 740_000, [2048, 2048, 2048]); // windows start at millis 0, 1000, ...
    let onUs = 0;
    for (let w = 0; w < 8; w++) {
      send(h, `PING,${w + 3}`);
      const { steps } = await runFor(h, clock, 1_000_000, [2048, 2048, 2048]);
      onUs += steps.reduce((s, r) => s + r.heaterOnUs, 0);
    }
    // 128/255 of 1000 ms, rounded: 502 ms per window; each edge follows millis() (jitter < 3 ms).
    expect(Math.abs(onUs - 8 * 502_000)).toBeLessThan(3_000);
  });

  it("a telemetry line due when a heater window starts does not delay the switch-on", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    await runFor(h, clock, 200_000, [2048, 2048, 2048]);
    // The default 10 Hz telemetry counts from boot, as the heater's windows do: a TLM line is
    // due at every window start (millis 1000, 2000, ...).
    send(h, "PWM,2,heater,128");
    await runFor(h, clock, 800_000, [2048, 2048, 2048]);
    const windows = 6;
    let onUs = 0;
    let tlmAtWindowStart = 0;
    for (let w = 0; w < windows; w++) {
      send(h, `PING,${w + 3}`);
      const { messages, steps } = await runFor(h, clock, 1_000_000, [2048, 2048, 2048]);
      onUs += steps.reduce((s, r) => s + r.heaterOnUs, 0);
      tlmAtWindowStart += messages.filter((m) => m.type === "TLM" && m.tMs % 1000 === 0).length;
    }
    expect(tlmAtWindowStart).toBe(windows);
    // 502 ms per window; a switch-on behind the TLM line (about 2 ms of formatting) loses 2 ms.
    expect(Math.abs(onUs / windows - 502_000)).toBeLessThan(1_000);
  });
});

describe("FIL harness: resets and identity", () => {
  it("reports each reset cause as the firmware reads it from MCUSR", async () => {
    const h = await start();
    const clock: Clock = { us: 0 };
    await runFor(h, clock, 100_000, [2048, 2048, 2048]);
    for (const cause of ["EXTERNAL", "BROWNOUT", "WDT", "POWERON"] as const) {
      h.reset(cause);
      const { messages, steps } = await runFor(h, clock, 200_000, [2048, 2048, 2048]);
      expect(steps[0]?.resets).toEqual([{ atUs: clock.us - 200_000, cause }]);
      const events = messages.filter((m) => m.type !== "TLM");
      expect(events[0]?.type).toBe("HELLO");
      expect(events[1]).toMatchObject({ type: "EVT", event: { code: "BOOT", resetCause: cause } });
      if (cause === "WDT") expect(events[2]).toMatchObject({ type: "EVT", event: { code: "WDT" } });
      // Flag bit 4 (watchdog reset since boot) only after the watchdog's reset.
      expect(lastTlm(messages).flags & 16).toBe(cause === "WDT" ? 16 : 0);
    }
  });

  it("a blank EEPROM gets a uid at first boot, kept across resets; a preset one is reported", async () => {
    const blank = await start(undefined);
    const clock: Clock = { us: 0 };
    const first = (await runFor(blank, clock, 100_000, [2048, 2048, 2048])).messages[0];
    expect(first?.type).toBe("HELLO");
    const uid = first?.type === "HELLO" ? first.uid : "";
    expect(uid).toMatch(/^[0-9A-F]{8}$/);
    expect(["00000000", "FFFFFFFF"]).not.toContain(uid);
    blank.reset("EXTERNAL");
    const again = (await runFor(blank, clock, 100_000, [2048, 2048, 2048])).messages[0];
    expect(again?.type === "HELLO" ? again.uid : "").toBe(uid);
    const preset = await start("00C0FFEE");
    const m = (await runFor(preset, { us: 0 }, 100_000, [2048, 2048, 2048])).messages[0];
    expect(m).toMatchObject({ type: "HELLO", fwName: "looptwin-fw", board: "uno", uid: "00C0FFEE" });
  });
});

describe("FIL harness: its own correctness", () => {
  it("the batched run loop produces byte for byte what simavr's own avr_run loop does", () => {
    const script: string[] = [];
    const line = (s: string): string => Buffer.from(`${withCrc(s)}\n`).toString("hex");
    const cmds = [
      "PWM,1,pump,128",
      "PWM,2,fan,77",
      "PWM,3,heater,128",
      "RATE,4,50",
      "PWM,5,fan,10,300",
      "INFO,6",
    ];
    for (let k = 1; k <= 150; k++) {
      if (k % 20 === 5) script.push(`IN ${line(cmds[(k - 5) / 20] ?? "PING,9")}`);
      if (k === 100) script.push("RESET EXTERNAL");
      script.push(
        `RUN ${k * 10_000} ${k < 120 ? 2048 - 12 * k : 2048} ${1500 + (k % 7)} ${2047 + (k % 3)} ${k % 4}`,
      );
    }
    script.push("QUIT");
    const run = (extra: string[]) =>
      spawnSync(FIL_DEFAULT_PATHS.harness, ["--elf", FIL_DEFAULT_PATHS.elf, "--uid", "0000BEEF", ...extra], {
        input: `${script.join("\n")}\n`,
        encoding: "latin1",
      });
    const batched = run([]);
    const stock = run(["--exact-loop"]);
    expect(batched.status).toBe(0);
    expect(stock.status).toBe(0);
    expect(batched.stdout.split("\n").filter((l) => l.startsWith("OUT")).length).toBeGreaterThan(20);
    expect(batched.stdout).toBe(stock.stdout);
  });

  it("refuses a missing firmware or harness with the field named, and fails a step on a protocol error", async () => {
    await expect(FilHarness.start({ elfPath: "/nonexistent/looptwin.elf" })).rejects.toThrow(ConfigError);
    await expect(FilHarness.start({ elfPath: "/nonexistent/looptwin.elf" })).rejects.toThrow(/--firmware/);
    await expect(FilHarness.start({ harnessPath: "/nonexistent/looptwin-sim" })).rejects.toThrow(/fil:build/);
    const h = await start();
    const failed = h.run(Number.NaN, 2048, 2048, 2048, 0);
    await expect(failed).rejects.toThrow(OperationalError);
    await expect(failed).rejects.toThrow(/protocol error: RUN needs/);
    expect(h.stopped).toBe(true);
  });
});
