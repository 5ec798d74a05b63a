import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/model/faultSpec.js";
import { formatCommand, withCrc } from "../../src/protocol/format.js";
import type { DeviceMessage, HostCommand } from "../../src/protocol/messages.js";
import { parseDeviceLine } from "../../src/protocol/parse.js";
import {
  EmulatedDevice,
  type EmulatedDeviceOptions,
  type EmulatorEvent,
} from "../../src/rig/emulator/emulatedDevice.js";
import { FakePlant } from "./fakePlant.js";

function setup(options: Partial<EmulatedDeviceOptions> = {}) {
  const plant = new FakePlant();
  const lines: string[] = [];
  const events: EmulatorEvent[] = [];
  let partial = "";
  const dev = new EmulatedDevice({
    plant,
    output: {
      write: (b) => {
        const text = partial + b.toString("latin1");
        const parts = text.split("\n");
        partial = parts.pop() ?? "";
        lines.push(...parts);
      },
    },
    seed: 5,
    uid: "00C0FFEE",
    onEvent: (e) => events.push(e),
    ...options,
  });
  const take = (): string[] => lines.splice(0, lines.length);
  const send = (text: string): string[] => {
    dev.receive(Buffer.from(`${text}\n`, "latin1"));
    return take();
  };
  const cmd = (c: HostCommand): string[] => send(formatCommand(c));
  return { dev, plant, take, send, cmd, events };
}

function body(line: string): string {
  return line.slice(0, line.lastIndexOf("*"));
}
function bodies(lines: readonly string[]): string[] {
  return lines.map(body);
}
function parsed(line: string): DeviceMessage {
  const r = parseDeviceLine(line);
  if (!r.ok) throw new Error(`bad device line ${line}: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("emulated device: boot and telemetry", () => {
  it("boots with HELLO (looptwin-emu) and EVT,BOOT, every line CRC-valid", () => {
    const { take } = setup();
    const lines = take();
    expect(bodies(lines)).toEqual(["HELLO,1.0,looptwin-emu,0.1.0,emu,00C0FFEE", "EVT,BOOT,POWERON"]);
    for (const l of lines) parsed(l);
  });

  it("sends TLM on the firmware's schedule: 10 Hz by default, seq from 0, t_ms device millis", () => {
    const { dev, take, plant } = setup();
    take();
    dev.advanceTo(1000);
    const tlm = take().map(parsed);
    expect(tlm).toHaveLength(10);
    tlm.forEach((m, i) => {
      expect(m.type).toBe("TLM");
      if (m.type !== "TLM") return;
      expect(m.seq).toBe(i);
      expect(m.tMs).toBe((i + 1) * 100);
      expect(m.adcHot).toBe(2000);
      expect(m.adcCold).toBe(2100);
      expect(m.adcAmb).toBe(2048);
      expect(m.pulses).toBe(Math.floor((i + 1) * 0.1 * plant.pulseRateHz));
      expect(m.flags).toBe(0);
    });
  });

  it("RATE 3 Hz: periods 333, 333, 334 ms (base + (i+1)*1000/rate), restarted at the command", () => {
    const { dev, take, cmd } = setup();
    dev.advanceTo(250);
    take();
    expect(bodies(cmd({ type: "RATE", id: 1, rateHz: 3 }))).toEqual(["ACK,1"]);
    dev.advanceTo(1250);
    const t = take()
      .map(parsed)
      .flatMap((m) => (m.type === "TLM" ? [m.tMs] : []));
    expect(t).toEqual([583, 916, 1250]);
  });

  it("omits adc_amb when the rig has no ambient probe", () => {
    const { dev, take } = setup({ hasAmbientProbe: false });
    take();
    dev.advanceTo(100);
    const m = parsed(take()[0]!);
    expect(m.type === "TLM" && m.adcAmb).toBe(-1);
  });
});

describe("emulated device: commands", () => {
  it("applies PWM and answers ACK; a repeated id is answered again but not re-applied", () => {
    const { dev, plant, send, take } = setup();
    take();
    const first = formatCommand({ type: "PWM", id: 1, channel: "pump", duty: 100, holdMs: null });
    expect(bodies(send(first))).toEqual(["ACK,1"]);
    expect(
      bodies(send(formatCommand({ type: "PWM", id: 2, channel: "pump", duty: 50, holdMs: null }))),
    ).toEqual(["ACK,2"]);
    expect(bodies(send(first))).toEqual(["ACK,1"]);
    expect(dev.stats.duplicates).toBe(1);
    expect(plant.duties.pump).toBe(50);
    expect(dev.dutyOf("pump")).toBe(50);
  });

  it("NAKs with the firmware's reasons", () => {
    const { send, take } = setup();
    take();
    expect(bodies(send(withCrc("PWM,3,pump,256")))).toEqual(["NAK,3,range:duty"]);
    expect(bodies(send(withCrc("PWM,4,water,1")))).toEqual(["NAK,4,range:channel"]);
    expect(bodies(send(withCrc("PWM,5,pump,abc")))).toEqual(["NAK,5,syntax"]);
    expect(bodies(send(withCrc("RATE,6,101")))).toEqual(["NAK,6,range:hz"]);
    expect(bodies(send(withCrc("RATE,7")))).toEqual(["NAK,7,syntax"]);
    expect(bodies(send(withCrc("FOO,8")))).toEqual(["NAK,8,unknown"]);
    expect(bodies(send(withCrc("PWM,1,pump,10,0")))).toEqual(["NAK,1,range:hold_ms"]);
    // A CRC-valid line without a readable id is answered with id 0, as the firmware does.
    expect(bodies(send(withCrc("PING")))).toEqual(["NAK,0,syntax"]);
    expect(bodies(send(withCrc("PING,0")))).toEqual(["NAK,0,range:id"]);
    expect(bodies(send(withCrc("PING,x")))).toEqual(["NAK,0,syntax"]);
    expect(bodies(send(withCrc(",9")))).toEqual(["NAK,9,syntax"]);
    expect(bodies(send(withCrc("PING,1*2")))).toEqual(["NAK,0,syntax"]);
  });

  it("drops lines with a bad CRC, no trailer, or over 159 bytes, and counts them", () => {
    const { dev, send, take } = setup();
    take();
    expect(send("PING,1*F793")).toEqual([]);
    expect(send("PING,1")).toEqual([]);
    expect(send(`PING,1,${"x".repeat(200)}`)).toEqual([]);
    expect(dev.stats).toMatchObject({ crcErrors: 1, malformed: 2, tooLong: 1 });
    // A \r before \n is ignored.
    expect(bodies(send(`${formatCommand({ type: "PING", id: 9 })}\r`))).toEqual(["ACK,9"]);
  });

  it("INFO answers ACK then HELLO", () => {
    const { cmd, take } = setup();
    take();
    expect(bodies(cmd({ type: "INFO", id: 12 }))).toEqual([
      "ACK,12",
      "HELLO,1.0,looptwin-emu,0.1.0,emu,00C0FFEE",
    ]);
  });

  it("a hold reverts to the duty before it, with EVT,HOLD_EXPIRED, at exactly hold_ms", () => {
    const { dev, cmd, take } = setup();
    cmd({ type: "PWM", id: 1, channel: "pump", duty: 200, holdMs: null });
    dev.advanceTo(1000);
    take();
    cmd({ type: "PWM", id: 2, channel: "pump", duty: 20, holdMs: 500 });
    cmd({ type: "PING", id: 3 });
    dev.advanceTo(1499);
    expect(dev.dutyOf("pump")).toBe(20);
    expect(dev.flags & 1).toBe(1);
    take();
    dev.advanceTo(1500);
    expect(bodies(take())).toEqual(["EVT,HOLD_EXPIRED,pump", "TLM,14,1500,2000,2100,2048,22,200,0,0,0"]);
    expect(dev.dutyOf("pump")).toBe(200);
  });

  it("heartbeat: 3 s without a valid command -> SAFE and EVT,HB_LOST,3000; a command clears the flag", () => {
    const { dev, cmd, take } = setup();
    cmd({ type: "PWM", id: 1, channel: "heater", duty: 255, holdMs: null });
    dev.advanceTo(2999);
    expect(take().some((l) => l.startsWith("EVT,HB_LOST"))).toBe(false);
    dev.advanceTo(3000);
    const out = bodies(take());
    expect(out[0]).toBe("EVT,HB_LOST,3000");
    expect(out[1]).toBe("TLM,29,3000,2000,2100,2048,45,255,0,255,2");
    expect([dev.dutyOf("heater"), dev.dutyOf("pump"), dev.dutyOf("fan")]).toEqual([0, 255, 255]);
    cmd({ type: "PING", id: 2 });
    expect(dev.flags & 2).toBe(0);
  });

  it("over-temperature interlock: trips below 462 counts, refuses the heater, latched until INFO", () => {
    const { dev, plant, cmd, take } = setup();
    cmd({ type: "PWM", id: 1, channel: "heater", duty: 200, holdMs: null });
    plant.counts.adcHot = 461;
    dev.advanceTo(100);
    expect(bodies(take())).toEqual(["EVT,OVERTEMP,hot", "TLM,0,100,461,2100,2048,1,255,0,0,4"]);
    expect(bodies(cmd({ type: "PWM", id: 2, channel: "heater", duty: 10, holdMs: null }))).toEqual([
      "NAK,2,interlock",
    ]);
    expect(bodies(cmd({ type: "PWM", id: 3, channel: "heater", duty: 0, holdMs: null }))).toEqual(["ACK,3"]);
    plant.counts.adcHot = 2000;
    dev.advanceTo(300);
    expect(dev.flags & 4).toBe(4); // latched after the temperature fell
    take();
    expect(bodies(cmd({ type: "INFO", id: 4 }))[0]).toBe("ACK,4");
    expect(dev.flags & 4).toBe(0);
    plant.counts.adcCold = 5; // a short trips it too (fail safe) and is a sensor event
    take();
    dev.advanceTo(400);
    expect(bodies(take())).toEqual([
      "EVT,SENSOR,cold:short",
      "EVT,OVERTEMP,cold",
      "TLM,3,400,2000,5,2048,6,255,0,0,C",
    ]);
  });
});

describe("emulated device: emulator-only faults", () => {
  it("EMU injects a fault relative to its arrival; a bad spec is NAK syntax; clear clears", () => {
    const { dev, plant, cmd, take, events } = setup();
    dev.advanceTo(2000);
    take();
    expect(bodies(cmd({ type: "EMU", id: 1, faultSpec: "pump_degradation:start=1,severity=0.5" }))).toEqual([
      "ACK,1",
    ]);
    expect(plant.faults).toHaveLength(1);
    expect(plant.faults[0]?.startS).toBeCloseTo(3, 12);
    expect(bodies(cmd({ type: "EMU", id: 2, faultSpec: "warp_drive" }))).toEqual(["NAK,2,syntax"]);
    dev.advanceTo(3000);
    expect(events.filter((e) => e.kind === "fault_start").map((e) => e.tS)).toEqual([3]);
    take();
    expect(bodies(cmd({ type: "EMU", id: 3, faultSpec: "clear" }))).toEqual(["ACK,3"]);
    expect(plant.faults).toHaveLength(0);
  });

  it("device_reboot: WDT reset, millis/seq/pulses restart, duties 0, flags bit 4", () => {
    const { dev, cmd, take, events } = setup({ faults: [parseFaultSpec("device_reboot:start=1.05")] });
    cmd({ type: "PWM", id: 1, channel: "pump", duty: 99, holdMs: null });
    dev.advanceTo(1200);
    const out = bodies(take());
    const i = out.indexOf("EVT,BOOT,WDT");
    expect(out.slice(i - 1, i + 4)).toEqual([
      "HELLO,1.0,looptwin-emu,0.1.0,emu,00C0FFEE",
      "EVT,BOOT,WDT",
      "EVT,WDT,0",
      "TLM,0,100,2000,2100,2048,1,0,0,0,10",
    ]);
    expect(events.some((e) => e.kind === "reboot" && e.cause === "WDT")).toBe(true);
  });

  it("link_disconnect: nothing crosses while down; the device runs on and loses the heartbeat", () => {
    const { dev, send, take, events } = setup({ faults: [parseFaultSpec("link_disconnect:start=1,end=5")] });
    dev.advanceTo(1000);
    take();
    dev.advanceTo(1001);
    expect(dev.linkUp).toBe(false);
    expect(send(formatCommand({ type: "PING", id: 1 }))).toEqual([]);
    dev.advanceTo(4999);
    expect(take()).toEqual([]);
    dev.advanceTo(5000);
    expect(dev.linkUp).toBe(true);
    expect(dev.flags & 2).toBe(2);
    expect(events.map((e) => e.kind)).toEqual(["fault_start", "link_down", "fault_end", "link_up"]);
  });

  it("link_drop at rate 1 loses every line; link_corrupt garbles bytes so the host sees CRC errors", () => {
    const drop = setup({ faults: [parseFaultSpec("link_drop:value=1")] });
    drop.take();
    drop.dev.advanceTo(1000);
    expect(drop.take()).toEqual([]);
    expect(drop.dev.stats.linesDropped).toBe(10);

    const corrupt = setup({ faults: [parseFaultSpec("link_corrupt:value=0.02")] });
    corrupt.take();
    corrupt.dev.advanceTo(20_000);
    const lines = corrupt.take();
    const bad = lines.filter((l) => !parseDeviceLine(l).ok).length;
    expect(corrupt.dev.stats.bytesCorrupted).toBeGreaterThan(0);
    // ~45 bytes a line at 2 % per byte: P(line intact) = 0.98^45 ~ 0.40.
    expect(bad / lines.length).toBeGreaterThan(0.4);
    expect(bad / lines.length).toBeLessThan(0.8);
  });
});
