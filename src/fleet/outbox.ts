/**
 * The publisher's bounded queue (docs/mqtt.md "When the broker is away"): messages wait here while
 * the broker is down, slow or refusing, so the rig session never waits for it. Pure accounting,
 * no I/O and no timers.
 *
 * - Event messages (telemetry, performance, alarm events, HIL verdicts) queue in order, bounded by
 *   a message count and a byte total; when a bound is hit the oldest QoS 0 message goes first
 *   (telemetry is worth less than an alarm), then the oldest QoS 1 one; each drop is counted.
 * - State messages (retained: status, open alarms, a HIL summary) keep only their latest payload
 *   per topic, are never dropped, go out before the events, and are all sent again after a
 *   reconnect (`resendState`), so a subscriber always ends up with the current state.
 */

export type Qos = 0 | 1;

/** One message to publish. */
export interface OutMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: Qos;
  readonly retain: boolean;
}

export interface OutboxLimits {
  /** Event messages held at most. @default 10000 */
  readonly maxMessages?: number;
  /** Bytes of event payloads held at most. @default 16 MiB */
  readonly maxBytes?: number;
}

export interface OutboxStats {
  /** Event messages waiting. */
  readonly queued: number;
  readonly queuedBytes: number;
  /** State topics waiting to be (re)sent. */
  readonly stateDirty: number;
  readonly droppedQos0: number;
  readonly droppedQos1: number;
}

interface Entry {
  readonly seq: number;
  readonly msg: OutMessage;
  readonly bytes: number;
}

/** A FIFO with O(1) push and shift (head index, compacted now and then). */
class Fifo {
  private items: Entry[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(e: Entry): void {
    this.items.push(e);
  }

  peek(): Entry | undefined {
    return this.items[this.head];
  }

  shift(): Entry | undefined {
    const e = this.items[this.head];
    if (e === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  unshift(e: Entry): void {
    if (this.head > 0) this.items[--this.head] = e;
    else this.items.unshift(e);
  }
}

export class Outbox {
  readonly maxMessages: number;
  readonly maxBytes: number;
  private readonly qos0 = new Fifo();
  private readonly qos1 = new Fifo();
  private bytes = 0;
  private seq = 0;
  private readonly state = new Map<string, { msg: OutMessage; dirty: boolean }>();
  private dropped0 = 0;
  private dropped1 = 0;

  constructor(limits: OutboxLimits = {}) {
    this.maxMessages = limits.maxMessages ?? 10_000;
    this.maxBytes = limits.maxBytes ?? 16 * 1024 * 1024;
    if (!(Number.isInteger(this.maxMessages) && this.maxMessages > 0))
      throw new RangeError(`maxMessages must be a whole number > 0 (got ${this.maxMessages})`);
    if (!(this.maxBytes > 0)) throw new RangeError(`maxBytes must be > 0 (got ${this.maxBytes})`);
  }

  /** Queues an event message, dropping the oldest (QoS 0 first) while a bound is exceeded. */
  push(msg: OutMessage): void {
    const bytes = Buffer.byteLength(msg.payload) + msg.topic.length;
    const fifo = msg.qos === 0 ? this.qos0 : this.qos1;
    fifo.push({ seq: this.seq++, msg, bytes });
    this.bytes += bytes;
    while (this.qos0.length + this.qos1.length > this.maxMessages || this.bytes > this.maxBytes) {
      const victim = this.qos0.length > 0 ? this.qos0.shift() : this.qos1.shift();
      if (victim === undefined) break;
      this.bytes -= victim.bytes;
      if (victim.msg.qos === 0) this.dropped0++;
      else this.dropped1++;
    }
  }

  /** Sets the latest payload of a state topic (retained); it replaces one not yet sent. */
  putState(msg: OutMessage): void {
    this.state.set(msg.topic, { msg, dirty: true });
  }

  /** After a reconnect: every state topic goes out again (the broker may have lost it, or a Last Will replaced it). */
  resendState(): void {
    for (const s of this.state.values()) s.dirty = true;
  }

  /** The next message to send (state first, then events in the order they came), removed from the queue. */
  take(): OutMessage | null {
    for (const s of this.state.values()) {
      if (s.dirty) {
        s.dirty = false;
        return s.msg;
      }
    }
    const a = this.qos0.peek();
    const b = this.qos1.peek();
    const e =
      a === undefined
        ? this.qos1.shift()
        : b === undefined || a.seq < b.seq
          ? this.qos0.shift()
          : this.qos1.shift();
    if (e === undefined) return null;
    this.bytes -= e.bytes;
    return e.msg;
  }

  /**
   * A message taken but not delivered (the connection dropped before the client took it): back
   * at the head of its queue, or marked to send again for a state topic (unless a newer payload
   * replaced it).
   */
  giveBack(msg: OutMessage): void {
    if (msg.retain) {
      const s = this.state.get(msg.topic);
      if (s !== undefined && s.msg === msg) s.dirty = true;
      return;
    }
    const bytes = Buffer.byteLength(msg.payload) + msg.topic.length;
    (msg.qos === 0 ? this.qos0 : this.qos1).unshift({ seq: -1, msg, bytes });
    this.bytes += bytes;
  }

  get isEmpty(): boolean {
    return this.qos0.length + this.qos1.length === 0 && ![...this.state.values()].some((s) => s.dirty);
  }

  /** Drops counted so far. */
  get dropped(): number {
    return this.dropped0 + this.dropped1;
  }

  stats(): OutboxStats {
    let dirty = 0;
    for (const s of this.state.values()) if (s.dirty) dirty++;
    return {
      queued: this.qos0.length + this.qos1.length,
      queuedBytes: this.bytes,
      stateDirty: dirty,
      droppedQos0: this.dropped0,
      droppedQos1: this.dropped1,
    };
  }
}
