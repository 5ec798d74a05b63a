/**
 * The live session with a fake source, a scripted monitor and virtual time: setpoints, the
 * dead-man holds of physical injections, labels, x (SAFE), device overrides, recording, tuning,
 * and the safe shutdown.
 */
import { describe, expect, it } from "vitest";
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { resolveAlarmManagerOptions } from "../../src/detect/alarms/alarmManager.js";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import { DEFAULT_LOOP_PARAMS } from "../../src/model/loopParams.js";
import type { KnownRecord } from "../../src/rig/recording/recording.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";
import { LiveSession, SAFE_SETPOINTS } from "../../src/session/liveSession.js";
import type { RecordingHandle } from "../../src/session/recordSwitch.js";
import { SwitchableRecordSink } from "../../src/session/recordSwitch.js";
import type { InjectionInForce, SessionObserver, SessionStatus } from "../../src/session/sessionObserver.js";
import { FakeMonitor } from "./fakeMonitor.js";
import { FakeSource } from "./fakeSource.js";

class MemoryRecording implements RecordingHandle {
  readonly records: KnownRecord[] = [];
  closed = false;
  flushed = 0;
  constructor(
    readonly path: string,
    private readonly clock: VirtualScheduler,
  ) {}
  atMs(): number {
    return this.clock.nowMs();
  }
  write(r: KnownRecord): void {
    if (!this.closed) this.records.push(r);
  }
  flush(): void {
    this.flushed++;
  }
  close(): void {
    this.closed = true;
  }
}

/** An observer that keeps what it was told, as a consumer of the session would. */
class Watcher implements SessionObserver {
  samples = 0;
  readonly alarms: AlarmEvent[] = [];
  readonly notices: string[] = [];
  overrideText = "";
  setpointsNow: OperatorSetpoints | null = null;
  injectionsNow: readonly InjectionInForce[] = [];
  readonly labels: string[] = [];
  readonly statuses: SessionStatus[] = [];
  sample(): void {
    this.samples++;
  }
  alarm(e: AlarmEvent): void {
    this.alarms.push(e);
  }
  notice(text: string): void {
    this.notices.push(text);
  }
  override(text: string): void {
    this.overrideText = text;
  }
  setpoints(sp: OperatorSetpoints): void {
    this.setpointsNow = sp;
  }
  injections(list: readonly InjectionInForce[]): void {
    this.injectionsNow = list;
  }
  label(_tS: number, action: string, text: string): void {
    this.labels.push(`${action} ${text}`);
  }
  status(st: SessionStatus): void {
    this.statuses.push(st);
  }
  get lastNotice(): string {
    return this.notices.at(-1) ?? "";
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function setup(options: { readOnly?: boolean; emulator?: boolean; record?: boolean } = {}) {
  const source = new FakeSource();
  const scheduler = new VirtualScheduler();
  const vm = new Watcher();
  const records = new SwitchableRecordSink();
  const recordings: MemoryRecording[] = [];
  const monitors: FakeMonitor[] = [];
  const session = new LiveSession({
    source,
    sourceLabel: "emulator",
    recordedSource: { kind: "emulator" },
    emulator: options.emulator ?? true,
    readOnly: options.readOnly ?? false,
    sourceRecordsSamples: false,
    createMonitor: () => {
      const m = new FakeMonitor();
      monitors.push(m);
      return m;
    },
    tuning: { params: DEFAULT_LOOP_PARAMS, alarm: resolveAlarmManagerOptions(), detectors: {} },
    setpoints: { pumpDuty: 200, heaterDuty: 255, fanDuty: 255 },
    scheduler,
    records,
    openRecording: (path) => {
      const r = new MemoryRecording(path, scheduler);
      recordings.push(r);
      return r;
    },
    ...(options.record === false ? {} : { recordPath: "run.ndjson" }),
  });
  session.subscribe(vm);
  let tS = 0;
  /** Advances virtual time by `ms`, one 20 ms sample at a time (50 Hz), settling promises. */
  const run = async (ms: number, fields: Parameters<FakeSource["emitSample"]>[0] = {}) => {
    const end = scheduler.nowMs() + ms;
    while (scheduler.nowMs() < end) {
      scheduler.advanceTo(scheduler.nowMs() + 20);
      tS += 0.02;
      source.emitNominal(tS, fields);
      await settle();
    }
  };
  const monitor = () => monitors.at(-1)!;
  return { source, scheduler, vm, records, recordings, session, run, monitor };
}

const labels = (r: MemoryRecording) =>
  r.records.flatMap((x) => (x.type === "label" ? [`${x.action} ${x.fault} ${x.by}`] : []));

describe("live session", () => {
  it("start sends the operator's setpoints and gives them to the twin", async () => {
    const { session, source, monitor, recordings } = setup();
    await session.start();
    expect(source.pwm()).toEqual(["pump 200 -", "heater 255 -", "fan 255 -"]);
    expect(monitor().calls.setSetpoints.at(-1)!.setpoints).toEqual({
      pumpDuty: 200,
      heaterDuty: 255,
      fanDuty: 255,
    });
    expect(recordings[0]!.path).toBe("run.ndjson");
  });

  it("samples go through the monitor to the observers and the recording (twin, residual, alarm)", async () => {
    const { session, run, vm, recordings, monitor } = setup();
    await session.start();
    monitor().expectedFlowLpm = 3;
    await run(1000);
    expect(vm.samples).toBe(50);
    const types = new Set(recordings[0]!.records.map((r) => r.type));
    expect(types).toEqual(new Set(["note", "sample", "twin", "residual"]));
    // Flow drops to 0 against 3 L/min expected: the fake monitor raises "pump failure".
    await run(200, { flowLpm: 0 });
    expect(session.openAlarms()[0]).toMatchObject({
      diagnosis: "pump failure",
      severity: "critical",
      acknowledged: false,
    });
    expect(vm.alarms.map((e) => `${e.type} ${e.diagnosis}`)).toEqual(["raised pump failure"]);
    const alarm = recordings[0]!.records.find((r) => r.type === "alarm");
    expect(alarm).toMatchObject({ state: "raised", diagnosis: "pump failure", source: "flow" });
    expect(vm.lastNotice).toBe("ALARM critical: pump failure");
    expect(session.acknowledge()?.type).toBe("acknowledged");
    expect(session.openAlarms()[0]!.acknowledged).toBe(true);
    expect(vm.alarms.at(-1)!.type).toBe("acknowledged");
  });

  it("a latched alarm acknowledged after its condition returned: acknowledged and cleared both reach the observers and the recording", async () => {
    const { session, run, vm, recordings, monitor } = setup();
    await session.start();
    monitor().expectedFlowLpm = 3;
    await run(1000);
    await run(200, { flowLpm: 0 });
    // Flow back: the critical alarm's condition returns after its 1 s off-delay; it stays latched.
    await run(2000);
    expect(session.openAlarms()[0]).toMatchObject({ conditionActive: false, acknowledged: false });
    expect(session.acknowledge()?.type).toBe("acknowledged");
    expect(session.openAlarms()).toEqual([]);
    expect(vm.alarms.map((e) => e.type)).toEqual(["raised", "acknowledged", "cleared"]);
    const states = recordings[0]!.records.flatMap((r) => (r.type === "alarm" ? [r.state] : []));
    expect(states).toEqual(["raised", "acknowledged", "cleared"]);
  });

  it("pump failure for 5 s: PWM 0 with a 3 s dead-man hold renewed every second, the last hold ending on time, then the setpoint back", async () => {
    const { session, source, run, recordings, monitor, scheduler } = setup();
    await session.start();
    await run(100);
    source.sent.length = 0;
    expect(await session.inject({ kind: "pump_failure", durationS: 5 })).toMatchObject({
      text: "pump_failure",
      endS: expect.closeTo(5.1, 6),
    });
    await run(6000);
    expect(source.pwm()).toEqual([
      "pump 0 3000", // t = 0
      "pump 0 3000", // t = 1 s: 4 s left
      "pump 0 3000", // t = 2 s: 3 s left, so this last hold ends at 5 s
      "pump 200 -", // t = 5 s: the operator's duty explicitly back
    ]);
    // The twin was never told about the deliberate deviation.
    expect(monitor().calls.setSetpoints.every((c) => c.setpoints.pumpDuty === 200)).toBe(true);
    expect(labels(recordings[0]!)).toEqual(["start pump_failure injector", "end pump_failure injector"]);
    expect(session.activeInjections()).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });

  it("pump degradation runs until x; x ends it, clears emulator faults and sends SAFE, which becomes the operating point", async () => {
    const { session, source, run, recordings, monitor, vm } = setup();
    await session.start();
    source.sent.length = 0;
    await session.inject({ kind: "pump_degradation", percent: 25 });
    await run(10_000);
    expect(source.pwm().every((p) => p === "pump 150 3000")).toBe(true);
    expect(source.pwm().length).toBeGreaterThanOrEqual(10);
    expect(vm.injectionsNow.map((i) => i.text)).toEqual(["pump_degradation:severity=0.25"]);
    expect(vm.labels).toEqual(["start pump_degradation:severity=0.25"]);
    source.sent.length = 0;
    expect(await session.endInjections()).toBe(true);
    expect(source.sent.map((c) => (c.type === "EMU" ? `EMU ${c.faultSpec}` : c.type))).toEqual([
      "EMU clear",
      "SAFE",
    ]);
    await run(5000);
    expect(source.pwm()).toEqual([]);
    expect(session.setpoints).toEqual(SAFE_SETPOINTS);
    expect(monitor().calls.setSetpoints.at(-1)!.setpoints).toEqual(SAFE_SETPOINTS);
    expect(labels(recordings[0]!)).toEqual([
      "start pump_degradation:severity=0.25 injector",
      "end pump_degradation:severity=0.25 injector",
    ]);
  });

  it("endInjection ends one physical injection at once (duty back, label, renewals stopped); an EMU fault by clearing them all", async () => {
    const { session, source, run, recordings, scheduler, vm } = setup();
    await session.start();
    const pump = await session.inject({ kind: "pump_failure", durationS: 60 });
    const fan = await session.inject({ kind: "fan_reduction", percent: 50 });
    await run(1500);
    source.sent.length = 0;
    expect(await session.endInjection(pump!.id)).toBe(true);
    expect(source.pwm()).toEqual(["pump 200 -"]);
    expect(session.activeInjections().map((i) => i.id)).toEqual([fan!.id]);
    expect(vm.injectionsNow.map((i) => i.text)).toEqual(["hx_fouling:severity=0.5"]);
    await run(3000);
    // Only the fan's hold is renewed from now on.
    expect(
      source
        .pwm()
        .slice(1)
        .every((p) => p === "fan 128 3000"),
    ).toBe(true);
    expect(await session.endInjection(pump!.id)).toBe(false);
    const emu1 = await session.inject({ kind: "emulator", spec: "sensor_bias:channel=hot,value=2" });
    await session.inject({ kind: "emulator", spec: "flow_blockage:severity=0.5" });
    source.sent.length = 0;
    expect(await session.endInjection(emu1!.id)).toBe(true);
    expect(source.sent).toEqual([{ type: "EMU", faultSpec: "clear" }]);
    expect(session.activeInjections().map((i) => i.id)).toEqual([fan!.id]);
    expect(labels(recordings[0]!).filter((l) => l.startsWith("end"))).toEqual([
      "end pump_failure injector",
      "end sensor_bias:channel=hot,value=2 emulator",
      "end flow_blockage:severity=0.5 emulator",
    ]);
    await session.endInjection(fan!.id);
    expect(scheduler.pending).toBe(0);
  });

  it("a new setpoint during an injection is applied, then the injection re-applied from it", async () => {
    const { session, source, run } = setup();
    await session.start();
    await session.inject({ kind: "fan_reduction", percent: 50 });
    await run(100);
    source.sent.length = 0;
    await session.setSetpoint("fan", 200);
    expect(source.pwm()).toEqual(["pump 200 -", "heater 255 -", "fan 200 -", "fan 100 3000"]);
  });

  it("emulator faults go as EMU lines and end with their spec; a real rig refuses them", async () => {
    const { session, source, run, recordings } = setup();
    await session.start();
    await session.inject({ kind: "emulator", spec: "link_disconnect:end=2" });
    expect(source.sent.at(-1)).toEqual({ type: "EMU", faultSpec: "link_disconnect:end=2" });
    await run(2500);
    expect(labels(recordings[0]!)).toEqual([
      "start link_disconnect:end=2 emulator",
      "end link_disconnect:end=2 emulator",
    ]);
    const real = setup({ emulator: false });
    await real.session.start();
    await expect(real.session.inject({ kind: "emulator", spec: "device_reboot" })).rejects.toThrow(
      /emulator-only/,
    );
  });

  it("a refused injection is not labelled and not kept", async () => {
    const { session, source, recordings, vm } = setup();
    await session.start();
    source.refuse = { type: "PWM", reason: "range:duty" };
    expect(await session.inject({ kind: "pump_failure", durationS: 10 })).toBeNull();
    expect(session.activeInjections()).toEqual([]);
    expect(labels(recordings[0]!)).toEqual([]);
    expect(vm.lastNotice).toMatch(/PWM failed: device refused PWM .*range:duty/);
  });

  it("a device override (heartbeat lost) makes the twin follow the applied duties until a setpoint is set", async () => {
    const { session, source, monitor, vm } = setup();
    await session.start();
    source.emit({ kind: "device_event", event: { code: "HB_LOST", sinceCommandMs: 3100 } });
    expect(monitor().calls.followApplied).toEqual([true]);
    expect(vm.overrideText).toMatch(/heartbeat lost/);
    await session.setSetpoint("heater", 100);
    expect(monitor().calls.followApplied).toEqual([true, false]);
    expect(vm.overrideText).toBe("");
    expect(vm.setpointsNow).toEqual({ pumpDuty: 200, heaterDuty: 100, fanDuty: 255 });
    source.emit({ kind: "gap", reason: "disconnect", fromTS: 10, toTS: 14, lostSamples: 0 });
    expect(monitor().calls.markGap).toEqual([{ fromTS: 10, toTS: 14 }]);
  });

  it("applied duties off the setpoints for 2 s with no injection: an override whose report was lost", async () => {
    const { session, source, monitor, vm, run } = setup();
    await session.start();
    // A setpoint change still on its way (or a retry) is not an override: under 2 s.
    await run(1500, { pumpDuty: 255, fanDuty: 255, heaterDuty: 0 });
    await run(100);
    await run(1900, { pumpDuty: 255, heaterDuty: 0 });
    expect(monitor().calls.followApplied).toEqual([]);
    // SAFE applied while the link was down (its EVT,HB_LOST reached nobody): followed after 2 s.
    await run(300, { pumpDuty: 255, heaterDuty: 0 });
    expect(monitor().calls.followApplied).toEqual([true]);
    expect(vm.lastNotice).toMatch(/device duties differ from the setpoints \(pump 255, heater 0, fan 255\)/);
    await session.setSetpoint("pump", 255);
    expect(monitor().calls.followApplied).toEqual([true, false]);
    // A reboot the source detects (duties back to 0) is an override at once.
    source.emit({ kind: "gap", reason: "reboot", fromTS: 30, toTS: 31, lostSamples: 0 });
    expect(monitor().calls.followApplied).toEqual([true, false, true]);
    expect(vm.lastNotice).toMatch(/device rebooted/);
  });

  it("an injection's deliberate deviation is never taken for a device override", async () => {
    const { session, monitor, run } = setup();
    await session.start();
    await session.inject({ kind: "pump_degradation", percent: 25 });
    await run(5000, { pumpDuty: 150 });
    expect(monitor().calls.followApplied).toEqual([]);
  });

  it("r stops and starts recordings; a new file restates the active injections", async () => {
    const { session, recordings } = setup();
    await session.start();
    await session.inject({ kind: "pump_degradation", percent: 10 });
    expect(session.toggleRecording()).toBe("recording closed: run.ndjson");
    expect(recordings[0]!.closed).toBe(true);
    expect(labels(recordings[0]!)).toEqual([
      "start pump_degradation:severity=0.1 injector",
      "end pump_degradation:severity=0.1 injector",
    ]);
    expect(session.toggleRecording("second.ndjson")).toBe("recording to second.ndjson");
    expect(session.recordingPath).toBe("second.ndjson");
    expect(labels(recordings[1]!)).toEqual(["start pump_degradation:severity=0.1 injector"]);
  });

  it("t replaces the monitor with the new tuning; bad input changes nothing", async () => {
    const { session, monitor } = setup();
    await session.start();
    const before = monitor();
    expect(() => session.applyTuning("UA=banana")).toThrow(/UA: must be a finite number/);
    expect(session.monitor).toBe(before);
    session.applyTuning("UA=15");
    expect(session.tuning.params.UA).toBe(15);
    expect(session.monitor).not.toBe(before);
    expect(monitor().calls.setSetpoints.at(-1)!.setpoints.pumpDuty).toBe(200);
  });

  it("shutdown sends SAFE, ends labels, closes the recording and the source, once", async () => {
    const { session, source, recordings, run } = setup();
    await session.start();
    await session.inject({ kind: "pump_failure", durationS: 60 });
    await run(100);
    source.sent.length = 0;
    const [a, b] = await Promise.all([session.shutdown("SIGHUP"), session.shutdown("q")]);
    expect(a).toEqual(b);
    expect(a).toEqual({
      reason: "SIGHUP",
      safeAcknowledged: true,
      safeProblem: "",
      recordingPath: "run.ndjson",
    });
    expect(source.sent.map((c) => c.type)).toEqual(["SAFE"]);
    expect(source.closed).toBe(true);
    const rec = recordings[0]!;
    expect(rec.closed).toBe(true);
    expect(labels(rec).at(-1)).toBe("end pump_failure injector");
    expect(rec.records.at(-1)).toMatchObject({
      type: "note",
      text: expect.stringMatching(/stopped \(SIGHUP\); SAFE acknowledged/),
    });
  });

  it("shutdown reports a SAFE the device refused; a replay sends nothing and refuses commands", async () => {
    const { session, source } = setup();
    await session.start();
    source.refuse = { type: "SAFE", reason: "unknown" };
    const r = await session.shutdown("SIGTERM");
    expect(r.safeAcknowledged).toBe(false);
    expect(r.safeProblem).toMatch(/NAK unknown/);

    const replay = setup({ readOnly: true, record: false });
    await replay.session.start();
    expect(replay.source.sent).toEqual([]);
    expect(replay.monitor().calls.followApplied).toEqual([true]);
    expect(replay.monitor().calls.setSetpoints).toEqual([]);
    // A replay has no operator: the setpoints are unknown.
    expect(Object.values(replay.vm.setpointsNow!).every(Number.isNaN)).toBe(true);
    await expect(replay.session.setSetpoint("pump", 100)).rejects.toThrow(/read-only/);
    const rr = await replay.session.shutdown("q");
    expect(replay.source.sent).toEqual([]);
    expect(rr.recordingPath).toBeNull();
  });
});

describe("dead-man hold arithmetic", () => {
  it("a 4.5 s failure: holds 3000, 3000, then the last one 2500 ends it exactly", async () => {
    const { session, source, run } = setup();
    await session.start();
    source.sent.length = 0;
    await session.inject({ kind: "pump_failure", durationS: 4.5 });
    await run(5000);
    expect(source.pwm()).toEqual(["pump 0 3000", "pump 0 3000", "pump 0 2500", "pump 200 -"]);
  });
});
