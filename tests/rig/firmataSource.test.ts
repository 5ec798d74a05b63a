/**
 * The Firmata source through johnny-five against mock-firmata (the IO mock johnny-five's own tests
 * use), with its analog and digital reads driven by the test: analog to temperature, PWM and
 * heater writes, pulse counting, host-side holds and interlock, SAFE on close. Virtual time.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { RigSample } from "../../src/model/rigSample.js";
import { countsFromTempC, DEFAULT_THERMISTOR, tempCFromCounts } from "../../src/model/thermistor.js";
import type { FirmataIo } from "../../src/rig/hardware/firmataPins.js";
import { FirmataSource } from "../../src/rig/hardware/firmataSource.js";
import { NakError } from "../../src/rig/source/rigErrors.js";
import type { RigEvent } from "../../src/rig/source/rigSource.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";

const require = createRequire(import.meta.url);
const { Firmata: MockFirmata } = require("mock-firmata") as { Firmata: new () => FirmataIo };

/** mock-firmata with its reads captured and its writes logged. */
function mockIo() {
  const io = new MockFirmata() as FirmataIo & Record<string, unknown>;
  const analog = new Map<number, (v: number) => void>();
  const digital = new Map<number, (v: number) => void>();
  const writes: { kind: "analog" | "digital"; pin: number; value: number }[] = [];
  const modes = new Map<number, number>();
  io.analogRead = (ch, cb) => analog.set(ch, cb);
  io.digitalRead = (pin, cb) => digital.set(pin, cb);
  io.analogWrite = (pin, value) => writes.push({ kind: "analog", pin, value });
  io.digitalWrite = (pin, value) => writes.push({ kind: "digital", pin, value });
  io.pinMode = (pin, mode) => modes.set(pin, mode);
  const last = (kind: "analog" | "digital", pin: number) =>
    writes.filter((w) => w.kind === kind && w.pin === pin).at(-1)?.value;
  return { io, analog, digital, writes, modes, last };
}

async function opened(rateHz = 10) {
  const m = mockIo();
  const scheduler = new VirtualScheduler();
  const source = new FirmataSource({ io: m.io, scheduler, rateHz });
  const samples: RigSample[] = [];
  const events: RigEvent[] = [];
  source.subscribe((e) => {
    if (e.kind === "sample") samples.push({ ...e.sample });
    else events.push(e);
  });
  const opening = source.open();
  m.io.emit?.("connect");
  m.io.emit?.("ready");
  await opening;
  return { ...m, scheduler, source, samples, events };
}

describe("Firmata source (johnny-five on mock-firmata)", () => {
  it("sets up the pins, converts 10-bit analog readings with the host conversion", async () => {
    const r = await opened();
    expect(r.source.state).toBe("CONNECTED");
    expect(r.modes.get(9)).toBe(r.io.MODES.PWM);
    expect(r.modes.get(10)).toBe(r.io.MODES.PWM);
    expect(r.modes.get(7)).toBe(r.io.MODES.OUTPUT);
    expect(r.modes.get(2)).toBe(r.io.MODES.INPUT);
    // 40 C and 30 C as a 10-bit ADC reads them.
    const raw10 = (tC: number) => Math.floor(countsFromTempC(DEFAULT_THERMISTOR, tC) / 4);
    r.analog.get(0)?.(raw10(40));
    r.analog.get(1)?.(raw10(30));
    r.analog.get(2)?.(raw10(25));
    r.scheduler.advanceTo(100);
    const s = r.samples.at(-1)!;
    // One 10-bit step is about 4 counts: ~0.1 K near 30 C; the conversion takes its middle.
    expect(s.tHotC).toBeCloseTo(40, 0);
    expect(Math.abs(s.tHotC - 40)).toBeLessThan(0.15);
    expect(Math.abs(s.tColdC - 30)).toBeLessThan(0.15);
    expect(Math.abs(s.tAmbC - 25)).toBeLessThan(0.15);
    expect(s.adcHot).toBe(raw10(40) * 4);
    // Exactly the conversion of the step's middle (4 * raw + 2 in 12-bit counts).
    expect(s.tHotC).toBeCloseTo(tempCFromCounts(DEFAULT_THERMISTOR, raw10(40) * 4 + 1.5), 12);
    expect(s.flags).toBe(0);
    await r.source.close();
  });

  it("writes PWM duties and time-proportions the heater over a 1 s window", async () => {
    const r = await opened(10);
    r.analog.get(0)?.(500);
    r.analog.get(1)?.(500);
    r.analog.get(2)?.(500);
    await r.source.send({ type: "PWM", channel: "pump", duty: 180, holdMs: null });
    await r.source.send({ type: "PWM", channel: "fan", duty: 90, holdMs: null });
    expect(r.last("analog", 9)).toBe(180);
    expect(r.last("analog", 10)).toBe(90);
    await r.source.send({ type: "PWM", channel: "heater", duty: 128, holdMs: null });
    const heater: number[] = [];
    for (let t = 100; t <= 1000; t += 100) {
      r.scheduler.advanceTo(t);
      heater.push(r.last("digital", 7) ?? -1);
    }
    // 128/255 of 1 s at 100 ms resolution: on for 5 or 6 of the 10 ticks.
    const on = heater.filter((v) => v === 1).length;
    expect(on).toBeGreaterThanOrEqual(5);
    expect(on).toBeLessThanOrEqual(6);
    expect(r.samples.at(-1)).toMatchObject({ pumpDuty: 180, heaterDuty: 128, fanDuty: 90 });
  });

  it("counts flow pulses from digital changes (rising edges) and estimates the flow", async () => {
    const r = await opened(10);
    r.analog.get(0)?.(500);
    r.analog.get(1)?.(500);
    const flow = r.digital.get(2)!;
    flow(0);
    // 15 Hz = 2 L/min on a YF-S201 (7.5 Hz per L/min), for 4 s.
    let level = 0;
    for (let t = 0; t < 4000; t += 1000 / 30) {
      r.scheduler.advanceTo(t);
      level = 1 - level;
      flow(level);
    }
    r.scheduler.advanceTo(4000);
    expect(r.source.flowPinChanges).toBe(120);
    const s = r.samples.at(-1)!;
    expect(s.pulses).toBe(60);
    // Whole pulses over the estimator's 2 s window: resolution 1 / (7.5 * 2) L/min.
    expect(Math.abs(s.flowLpm - 2)).toBeLessThanOrEqual(1 / 15 + 1e-9);
  });

  it("keeps the firmware's safety on the host: holds, interlock, NAK, SAFE on close", async () => {
    const r = await opened(10);
    r.analog.get(0)?.(500);
    r.analog.get(1)?.(500);
    await r.source.send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
    await r.source.send({ type: "PWM", channel: "pump", duty: 20, holdMs: 500 });
    r.scheduler.advanceTo(400);
    expect(r.last("analog", 9)).toBe(20);
    r.scheduler.advanceTo(600);
    expect(r.last("analog", 9)).toBe(200);
    expect(r.events.some((e) => e.kind === "device_event" && e.event.code === "HOLD_EXPIRED")).toBe(true);
    // Over 80 C on the hot probe: 10-bit reading 115 = 460 counts.
    await r.source.send({ type: "PWM", channel: "heater", duty: 200, holdMs: null });
    r.analog.get(0)?.(115);
    r.scheduler.advanceTo(700);
    expect(r.events.some((e) => e.kind === "device_event" && e.event.code === "OVERTEMP")).toBe(true);
    expect(r.last("digital", 7)).toBe(0);
    expect(r.last("analog", 9)).toBe(255);
    const nak = await r.source
      .send({ type: "PWM", channel: "heater", duty: 10, holdMs: null })
      .catch((e: unknown) => e);
    expect(nak).toBeInstanceOf(NakError);
    expect((nak as NakError).reason).toBe("interlock");
    await expect(r.source.send({ type: "EMU", faultSpec: "pump_failure" })).rejects.toThrow(/NAK unknown/);
    expect(r.samples.at(-1)!.flags & 4).toBe(4);
    await r.source.close();
    expect(r.last("analog", 9)).toBe(255);
    expect(r.last("analog", 10)).toBe(255);
    expect(r.last("digital", 7)).toBe(0);
    expect(r.source.state).toBe("DISCONNECTED");
  });
});
