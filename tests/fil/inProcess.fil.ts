/**
 * The firmware in simavr behind the serialport mock binding, driven by the serial source (the
 * `--target fil` path): opening the port resets the MCU as an Uno's DTR does, the handshake and
 * commands go through without a retry, and faults injected through `EMU` act where they belong:
 * a reset in the MCU, a disconnect at the link (the source reconnects and marks the gap).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorEvent } from "../../src/rig/emulator/emulatedDevice.js";
import { PlantDeviceAdapter } from "../../src/rig/emulator/plantAdapter.js";
import { FilInProcessRig } from "../../src/rig/fil/filInProcess.js";
import { SerialSource } from "../../src/rig/hardware/serialSource.js";
import type { RigCommand, RigEvent } from "../../src/rig/source/rigSource.js";

const rigs: FilInProcessRig[] = [];
const sources: SerialSource[] = [];
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  for (const r of rigs.splice(0)) await r.close();
});

let n = 0;

async function setup() {
  const truth: EmulatorEvent[] = [];
  const rig = await FilInProcessRig.start({
    path: `/dev/ttyFILT${process.pid}-${++n}`,
    device: { plant: new PlantDeviceAdapter({ seed: 2 }), seed: 2, onEvent: (e) => truth.push(e) },
  });
  rigs.push(rig);
  const source = new SerialSource({
    path: rig.path,
    binding: rig.binding as never,
    scheduler: rig.scheduler,
    rateHz: 10,
    pingIntervalMs: 500,
    ackTimeoutMs: 500,
    retries: 3,
    reconnectMinMs: 200,
  });
  sources.push(source);
  const events: RigEvent[] = [];
  source.subscribe((e) => {
    if (e.kind !== "sample") events.push(e);
  });
  /** Settles a promise while device time runs (virtual time moves only when the rig runs). */
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const q = p.finally(() => {
      done = true;
    });
    q.catch(() => {});
    for (let k = 0; k < 2000 && !done; k++) await rig.runFor(10);
    return q;
  };
  const send = (c: RigCommand): Promise<void> => settle(source.send(c));
  return { rig, source, events, truth, settle, send };
}

describe("FIL in process: the serial source on the firmware", () => {
  it("opens through a DTR reset; handshake and commands without a retry", async () => {
    const { rig, source, truth, settle, send } = await setup();
    await settle(source.open());
    expect(source.hello).toMatchObject({ fwName: "looptwin-fw", board: "uno" });
    expect(truth.map((e) => (e.kind === "reboot" ? e.cause : e.kind))).toEqual(["EXTERNAL"]);
    await send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
    await send({ type: "PWM", channel: "heater", duty: 255, holdMs: null });
    await rig.runFor(5000);
    const st = source.stats();
    expect(st.commands.retries).toBe(0);
    expect(st.commands.timeouts).toBe(0);
    expect(st.samples).toBeGreaterThanOrEqual(49);
    expect(st.stream.crc_errors).toBe(0);
    expect(rig.device.dutyOf("heater")).toBe(255);
  });

  it("EMU device_reboot resets the MCU as its watchdog would; link_disconnect drops and restores the link", async () => {
    const { rig, source, events, settle, send } = await setup();
    await settle(source.open());
    await rig.runFor(1000);
    await send({ type: "EMU", faultSpec: "device_reboot" });
    await rig.runFor(2000);
    expect(events.some((e) => e.kind === "device_event" && e.event.code === "WDT")).toBe(true);
    expect(events.some((e) => e.kind === "hello" && e.reboot)).toBe(true);
    expect(events.some((e) => e.kind === "gap" && e.reason === "reboot")).toBe(true);
    await send({ type: "EMU", faultSpec: "link_disconnect:end=3" });
    expect(rig.device.linkUp).toBe(true); // the ACK came first; the link drops at the next step
    await rig.runFor(1000);
    expect(rig.device.linkUp).toBe(false);
    for (let k = 0; k < 100 && source.state !== "CONNECTED"; k++) await rig.runFor(100);
    await rig.runFor(2000);
    expect(source.state).toBe("CONNECTED");
    expect(events.some((e) => e.kind === "gap" && e.reason === "disconnect")).toBe(true);
    expect(source.stats().reconnects).toBe(1);
    expect(rig.device.counters().bytesLostWhileDown).toBeGreaterThan(0);
  });
});
