/** A RigSource for the dashboard's tests: commands are recorded and answered (ACK, or a chosen error). */
import type { RigSample } from "../../src/model/rigSample.js";
import { createRigSample } from "../../src/model/rigSample.js";
import type { HelloMessage } from "../../src/protocol/messages.js";
import { StreamStats } from "../../src/protocol/streamStats.js";
import { NakError } from "../../src/rig/source/rigErrors.js";
import {
  type LinkState,
  type LinkStats,
  type RigCommand,
  type RigEvent,
  RigEventHub,
  type RigSource,
} from "../../src/rig/source/rigSource.js";

export class FakeSource implements RigSource {
  readonly kind = "fake";
  state: LinkState = "CONNECTED";
  hello: HelloMessage | null = {
    type: "HELLO",
    major: 1,
    minor: 0,
    fwName: "looptwin-emu",
    fwVersion: "0.1.0",
    board: "emu",
    uid: "1234ABCD",
  };
  readonly sent: RigCommand[] = [];
  /** Answers NAK with this reason to the next commands of this type. */
  refuse: { type: RigCommand["type"]; reason: string } | null = null;
  closed = false;
  readonly sample: RigSample = createRigSample();
  private readonly hub = new RigEventHub();
  private readonly streamStats = new StreamStats();

  async open(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
    this.hub.close();
  }
  events(): AsyncIterable<RigEvent> {
    return this.hub.iterable();
  }
  subscribe(listener: (e: RigEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }
  async send(command: RigCommand): Promise<void> {
    this.sent.push(command);
    if (this.refuse !== null && this.refuse.type === command.type)
      throw new NakError(this.sent.length, this.refuse.reason, command.type);
  }
  stats(): LinkStats {
    return {
      state: this.state,
      path: "/dev/fake",
      uid: "1234ABCD",
      bytesIn: 0,
      bytesOut: 0,
      stream: this.streamStats.summary(),
      commands: {
        sent: this.sent.length,
        retries: 0,
        acks: this.sent.length,
        naks: 0,
        timeouts: 0,
        stray: 0,
      },
      reconnects: 0,
      gaps: 0,
      samples: 0,
      droppedEvents: 0,
    };
  }

  /** Emits one sample (the object is reused, as a real source does). */
  emitSample(fields: Partial<RigSample>): void {
    Object.assign(this.sample, fields);
    this.hub.emit({ kind: "sample", sample: this.sample });
  }

  /**
   * A sample of the nominal emulated rig at rig time `tS` (T_hot 45 C, T_cold 30 C, 3 L/min at
   * pump 200, heater 255, fan 255), `fields` over it.
   */
  emitNominal(tS: number, fields: Partial<RigSample> = {}): void {
    this.emitSample({
      tS,
      tHotC: 45,
      tColdC: 30,
      flowLpm: 3,
      pumpDuty: 200,
      heaterDuty: 255,
      fanDuty: 255,
      ...fields,
    });
  }

  emit(e: RigEvent): void {
    this.hub.emit(e);
  }

  /** The PWM commands sent, as `channel duty hold`. */
  pwm(): string[] {
    return this.sent.flatMap((c) => (c.type === "PWM" ? [`${c.channel} ${c.duty} ${c.holdMs ?? "-"}`] : []));
  }
}
