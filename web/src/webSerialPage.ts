/// <reference lib="dom" />
/**
 * Web Serial mode (docs/web.md "Web Serial"): a rig running the looptwin firmware opened by the
 * page itself in a Chromium browser, for a laptop with no Node. The conversation
 * (rigConversation.ts: handshake, ids, ACK/NAK, retries, PING every 500 ms) and the monitor with
 * its twin run here, beside the operator's setpoints; physical injections are PWMs with dead-man
 * holds (holdInjector.ts), emulator faults EMU lines. Closing the page writes SAFE; a crashed tab
 * stops the PINGs, and the device goes SAFE by itself after 3 s.
 */
import type { AlarmEvent } from "../../src/detect/alarms/alarmManager.js";
import { createMonitor, type ResidualMonitor } from "../../src/detect/monitor/monitor.js";
import type { OperatorSetpoints } from "../../src/detect/monitor/monitorTypes.js";
import { makeLoopParams } from "../../src/model/loopParams.js";
import type { RigSample } from "../../src/model/rigSample.js";
import type { DeviceEvent, HelloMessage } from "../../src/protocol/messages.js";
import { versionText } from "../../src/protocol/version.js";
import { NakError } from "../../src/rig/source/rigErrors.js";
import { wallScheduler } from "../../src/rig/source/scheduler.js";
import { HoldInjector } from "./holdInjector.js";
import { planInjection } from "./liveRequests.js";
import { alarmViews, fillMonitorRow } from "./monitorRow.js";
import type { PageControl } from "./pageControl.js";
import { createStoreRow, type PageStore } from "./pageStore.js";
import { RigConversation } from "./rigConversation.js";

/** The parts of the Web Serial API the page uses (not in TypeScript's DOM library). */
export interface WebSerialPort {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
}
export interface WebSerial {
  requestPort(): Promise<WebSerialPort>;
}

/** The browser's `navigator.serial`, or null where there is none (Firefox, Safari, plain http). */
export function webSerialOf(nav: Navigator): WebSerial | null {
  const serial = (nav as Navigator & { serial?: WebSerial }).serial;
  return serial ?? null;
}

/** The firmware's baud rate (docs/protocol.md). */
export const RIG_BAUD = 115_200;
/** Telemetry rate asked of the rig, the monitor's rate [Hz]. */
export const SERIAL_RATE_HZ = 10;

/** One line for the user from a failed `requestPort` or `open` (DOMException names per the spec). */
export function serialProblem(e: unknown): string {
  const name = e instanceof Error || e instanceof DOMException ? e.name : "";
  const msg = e instanceof Error || e instanceof DOMException ? e.message : String(e);
  switch (name) {
    case "NotFoundError":
      return "Web Serial: no port chosen (the request was cancelled)";
    case "SecurityError":
      return "Web Serial: not allowed on this page (it needs https or localhost, and a click)";
    case "InvalidStateError":
      return "Web Serial: the port is already open (another tab or program has it?)";
    case "NetworkError":
      return `Web Serial: the port could not be opened (${msg || "NetworkError"})`;
    default:
      return `Web Serial: ${msg}`;
  }
}

/** The firmware as the status bar shows it. */
export function firmwareText(h: HelloMessage): string {
  return `${h.fwName} ${h.fwVersion} (${h.board}, uid ${h.uid}, protocol ${versionText(h)})`;
}

const CHANNELS = [
  ["pump", "pumpDuty"],
  ["heater", "heaterDuty"],
  ["fan", "fanDuty"],
] as const;

export class WebSerialPage implements PageControl {
  private readonly store: PageStore;
  private readonly say: (text: string) => void;
  private readonly onData: () => void;
  private readonly port: WebSerialPort;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly encoder = new TextEncoder();
  readonly conversation: RigConversation;
  private readonly injector: HoldInjector;
  private monitor: ResidualMonitor | null = null;
  private setpointsNow: OperatorSetpoints | null = null;
  private readonly row = createStoreRow();
  private lastTS = 0;
  private samples = 0;
  /** Emulator faults sent (EMU) since the last End all faults. */
  private emuFaults: string[] = [];
  private closed = false;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private readonly onPageHide = (): void => this.leaveSafe();
  /** The port went away or the page closed the link (not called on page close). */
  onClosed: () => void = () => {};

  private constructor(port: WebSerialPort, store: PageStore, say: (t: string) => void, onData: () => void) {
    this.store = store;
    this.say = say;
    this.onData = onData;
    this.port = port;
    if (port.writable === null || port.readable === null) throw new Error("the port has no streams");
    this.writer = port.writable.getWriter();
    this.conversation = new RigConversation(
      {
        write: (line) => this.write(line),
        scheduler: wallScheduler,
        portName: "the chosen port",
      },
      {
        onSample: (s) => this.onSample(s),
        onEvent: (e) => this.onEvent(e),
        onHello: (h) => this.showLink("CONNECTED", firmwareText(h)),
      },
    );
    this.injector = new HoldInjector({
      send: (r) => this.conversation.send(r),
      scheduler: wallScheduler,
      setpoints: () => this.setpoints,
      onEnd: (label, why) => {
        this.store.addLabel({ tS: this.lastTS, action: "end", text: label });
        this.store.setInjections([...this.injector.labels(), ...this.emuFaults]);
        if (why !== "ended" && why !== "its time ran out") this.say(`${label}: ended (${why})`);
      },
    });
  }

  /**
   * Asks the user for a port (call it from the click: the browser wants a user gesture), opens it
   * and shakes hands (`onOpen` once the port is open: the page's other feed stops). Null with the
   * reason said when the user cancels or the port fails.
   */
  static async connect(
    serial: WebSerial,
    store: PageStore,
    say: (text: string) => void,
    onData: () => void,
    onOpen: () => void = () => {},
  ): Promise<WebSerialPage | null> {
    let port: WebSerialPort;
    try {
      port = await serial.requestPort();
      await port.open({ baudRate: RIG_BAUD });
    } catch (e) {
      say(serialProblem(e));
      return null;
    }
    onOpen();
    const page = new WebSerialPage(port, store, say, onData);
    store.clear();
    page.showLink("CONNECTING", "");
    void page.readLoop();
    try {
      const hello = await page.conversation.handshake();
      page.showLink("CONNECTED", firmwareText(hello));
      await page.conversation.send({ type: "RATE", rateHz: SERIAL_RATE_HZ });
    } catch (e) {
      say(`Web Serial: ${e instanceof Error ? e.message : String(e)}`);
      await page.close();
      return null;
    }
    addEventListener("pagehide", page.onPageHide);
    addEventListener("beforeunload", page.onPageHide);
    say("");
    return page;
  }

  /** The operator's setpoints: the rig's duties at connect until the sliders move. */
  private get setpoints(): OperatorSetpoints {
    return this.setpointsNow ?? { pumpDuty: 0, heaterDuty: 0, fanDuty: 0 };
  }

  private write(line: string): void {
    if (this.closed) return;
    this.writer.write(this.encoder.encode(line)).catch(() => {
      // The read loop reports a port that went away.
    });
  }

  private showLink(state: string, firmware: string): void {
    const sum = this.conversation.summary();
    this.store.setLink({
      source: "Web Serial",
      state,
      firmware: firmware || this.store.link.firmware,
      recording: null,
      crcErrors: sum.crc_errors,
      lostSamples: sum.lost_samples,
      reconnects: 0,
      malformed: sum.malformed + sum.too_long + sum.bad_field + sum.unknown,
    });
    this.onData();
  }

  private async readLoop(): Promise<void> {
    const reader = this.port.readable?.getReader();
    if (reader === undefined) return;
    this.reader = reader;
    let why = "the port closed";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value !== undefined) this.conversation.push(value);
      }
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    } finally {
      reader.releaseLock();
    }
    if (this.closed) return;
    this.say(`Web Serial: ${why} (unplugged?); without PINGs the rig goes SAFE by itself within 3 s`);
    await this.close();
  }

  private onSample(s: RigSample): void {
    if (this.monitor === null || this.setpointsNow === null) {
      // The operator's setpoints start as the rig's duties: connecting moves nothing.
      this.setpointsNow = { pumpDuty: s.pumpDuty, heaterDuty: s.heaterDuty, fanDuty: s.fanDuty };
      this.store.setSetpoints(this.setpointsNow);
      this.monitor = createMonitor({ params: makeLoopParams({}), rateHz: SERIAL_RATE_HZ });
      this.monitor.setSetpoints(this.setpointsNow, s.tS);
    }
    const events = this.monitor.step(s);
    fillMonitorRow(this.row, s, this.monitor.output, this.setpointsNow);
    this.lastTS = s.tS;
    this.store.addSample(s.tS, this.row);
    if (events.length > 0) this.showAlarmEvents(events);
    if (++this.samples % SERIAL_RATE_HZ === 0) {
      this.store.setPerformance(this.monitor.performance());
      this.showLink("CONNECTED", "");
    }
    this.onData();
  }

  private onEvent(e: DeviceEvent): void {
    if (e.code === "HB_LOST" || e.code === "OVERTEMP" || e.code === "WDT")
      this.say(`rig: ${e.code}${"channel" in e ? ` ${e.channel}` : ""}; the device went SAFE`);
    else if (e.code === "BOOT") this.say("rig: rebooted; rate and setpoints sent again");
    if (e.code === "BOOT") void this.afterReboot();
  }

  /** A rebooted device forgot its rate, duties and holds: the rate and the operator's duties again. */
  private async afterReboot(): Promise<void> {
    try {
      await this.conversation.send({ type: "RATE", rateHz: SERIAL_RATE_HZ });
      if (this.setpointsNow === null) return;
      for (const [channel, key] of CHANNELS)
        if (!this.injector.holds(channel))
          await this.conversation.send({ type: "PWM", channel, duty: this.setpointsNow[key], holdMs: null });
    } catch (e) {
      // A link that closed meanwhile failed these sends; the closing already said why.
      if (this.closed) return;
      this.say(`rig: after its reboot: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async setSetpoints(sp: OperatorSetpoints): Promise<string | null> {
    const old = this.setpoints;
    this.setpointsNow = sp;
    this.store.setSetpoints(sp);
    this.monitor?.setSetpoints(sp, this.lastTS);
    try {
      for (const [channel, key] of CHANNELS) {
        if (this.injector.holds(channel) || old[key] === sp[key]) continue;
        await this.conversation.send({ type: "PWM", channel, duty: sp[key], holdMs: null });
      }
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  async inject(text: string): Promise<string | null> {
    const plan = planInjection(text, true);
    if (!plan.ok) return plan.error;
    const b = plan.body;
    try {
      let label: string;
      if (b.kind === "emulator") {
        await this.conversation.send({ type: "EMU", faultSpec: b.spec });
        label = b.spec;
      } else {
        label = await this.injector.start(
          b.kind === "pump_failure" ? { kind: "pump_failure", durationS: b.duration_s } : b,
        );
      }
      this.store.addLabel({ tS: this.lastTS, action: "start", text: label });
      if (b.kind === "emulator") this.emuFaults.push(label);
      this.store.setInjections([...this.injector.labels(), ...this.emuFaults]);
      return null;
    } catch (e) {
      if (e instanceof NakError && e.reason === "unknown" && b.kind === "emulator")
        return `fault ${text.trim()}: this rig's firmware plays no emulator faults (NAK unknown); a real rig takes pump_failure, pump_degradation and hx_fouling`;
      return e instanceof Error ? e.message : String(e);
    }
  }

  async endFaults(): Promise<string | null> {
    try {
      await this.injector.endAll();
      if (this.emuFaults.length > 0) {
        for (const f of this.emuFaults) this.store.addLabel({ tS: this.lastTS, action: "end", text: f });
        this.emuFaults = [];
        await this.conversation.send({ type: "EMU", faultSpec: "clear" });
      }
      this.store.setInjections([]);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** Alarm events into the store's history, and the monitor's open alarms as they are now. */
  private showAlarmEvents(events: readonly AlarmEvent[]): void {
    if (this.monitor === null) return;
    for (const e of events)
      this.store.addAlarmEvent({
        tS: e.tS,
        type: e.type,
        severity: e.severity,
        cause: e.cause,
        diagnosis: e.diagnosis,
      });
    this.store.setOpenAlarms(alarmViews(this.monitor, 0));
  }

  async acknowledge(cause?: string): Promise<string | null> {
    if (this.monitor === null) return null;
    const events = this.monitor.acknowledge(this.lastTS, cause);
    if (events.length > 0) this.showAlarmEvents(events);
    return null;
  }

  /** The page is going away: SAFE on the wire at once, no answer awaited. */
  leaveSafe(): void {
    if (this.closed) return;
    this.injector.stop();
    this.write(this.conversation.safeLine());
    this.conversation.stop();
    // Once (beforeunload and pagehide both come); the rig is SAFE and stays so.
    this.closed = true;
  }

  /** SAFE (awaited, briefly), then the port closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    removeEventListener("pagehide", this.onPageHide);
    removeEventListener("beforeunload", this.onPageHide);
    this.injector.stop();
    this.write(this.conversation.safeLine());
    this.conversation.stop();
    this.closed = true;
    this.showLink("DISCONNECTED", "");
    this.onClosed();
    try {
      await this.reader?.cancel();
      await this.writer.close();
    } catch {
      // Already gone.
    }
    try {
      await this.port.close();
    } catch {
      // Already closed.
    }
  }
}
