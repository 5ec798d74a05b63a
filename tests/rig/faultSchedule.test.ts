import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import type { EmulatorEvent } from "../../src/rig/emulator/emulatedDevice.js";
import { FaultSchedule } from "../../src/rig/emulator/faultSchedule.js";
import { FakePlant } from "./fakePlant.js";

function setup() {
  const plant = new FakePlant();
  const log: string[] = [];
  const schedule = new FaultSchedule({
    plant,
    onEvent: (e: EmulatorEvent) =>
      log.push(e.kind === "fault_start" || e.kind === "fault_end" ? `${e.kind} ${e.text} @${e.tS}` : e.kind),
    onStart: (spec, tS) => log.push(`start ${spec.kind} @${tS}`),
    onEnd: (spec, tS) => log.push(`end ${spec.kind} @${tS}`),
  });
  return { plant, log, schedule };
}

describe("FaultSchedule", () => {
  it("sends plant faults to the plant when added and link faults nowhere", () => {
    const { plant, schedule } = setup();
    schedule.add(parseFaultSpec("pump_degradation:start=5,end=50,severity=0.5"));
    schedule.add(parseFaultSpec("link_drop:start=1,end=2,value=0.1"));
    expect(plant.faults.map((f) => f.kind)).toEqual(["pump_degradation"]);
  });

  it("starts and ends faults when device time reaches them, the device's part right after each event", () => {
    const { log, schedule } = setup();
    schedule.add(parseFaultSpec("link_disconnect:start=2,end=3"));
    schedule.add(parseFaultSpec("device_reboot:start=2.5"));
    expect(schedule.nextMs()).toBe(2000);
    schedule.update(1999);
    expect(log).toEqual([]);
    schedule.update(2000);
    expect(schedule.nextMs()).toBe(2500);
    schedule.update(3000);
    expect(log).toEqual([
      expect.stringMatching(/^fault_start link_disconnect.* @2$/),
      "start link_disconnect @2",
      expect.stringMatching(/^fault_end link_disconnect.* @3$/),
      "end link_disconnect @3",
      expect.stringMatching(/^fault_start device_reboot.* @3$/),
      "start device_reboot @3",
    ]);
    // A fault without an end never ends: nothing more to come.
    expect(schedule.nextMs()).toBe(Number.POSITIVE_INFINITY);
  });

  it("sets each link rate to the largest value x severity of the active faults", () => {
    const { schedule } = setup();
    schedule.add(parseFaultSpec("link_corrupt:start=0,end=10,value=0.02"));
    schedule.add(parseFaultSpec("link_corrupt:start=4,end=6,value=0.1,severity=0.5"));
    schedule.add(parseFaultSpec("link_drop:start=5,end=8,value=0.3"));
    const rates = (tMs: number) => {
      schedule.update(tMs);
      return [schedule.corruptRate, schedule.dropRate];
    };
    expect(rates(1000)[0]).toBeCloseTo(0.02, 12);
    expect(rates(5000)[0]).toBeCloseTo(0.05, 12);
    expect(rates(5000)[1]).toBeCloseTo(0.3, 12);
    expect(rates(7000)[0]).toBeCloseTo(0.02, 12);
    expect(rates(10_000)).toEqual([0, 0]);
  });

  it("takes EMU specs relative to now and refuses what is not one or what the plant cannot take", () => {
    const { plant, schedule } = setup();
    plant.counts.adcAmb = -1; // the fake plant then refuses ambient sensor faults
    expect(schedule.addFromEmu("link_drop:start=1,end=2,value=0.5", 10)).toBe(true);
    expect(schedule.nextMs()).toBe(11_000);
    expect(schedule.addFromEmu("no_such_fault:start=1", 10)).toBe(false);
    expect(schedule.addFromEmu("sensor_open:channel=amb,start=1", 10)).toBe(false);
    expect(schedule.nextMs()).toBe(11_000);
  });

  it("clear ends the active faults, forgets all, clears the plant's and the rates", () => {
    const { plant, log, schedule } = setup();
    schedule.add(parseFaultSpec("link_corrupt:start=0,end=10,value=0.02"));
    schedule.add(parseFaultSpec("pump_degradation:start=20,end=30,severity=0.5"));
    schedule.update(1000);
    log.length = 0;
    schedule.clear(2000);
    expect(log).toEqual([expect.stringMatching(/^fault_end link_corrupt.* @2$/)]);
    expect(plant.faults).toEqual([]);
    expect([schedule.corruptRate, schedule.dropRate]).toEqual([0, 0]);
    expect(schedule.nextMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
