/**
 * Which unit a serial source records: the one of its first handshake (by HELLO uid). Another
 * unit on the path after a reconnect (a board swapped on the bench, another emulator on the link)
 * is not the same rig: it is refused with a {@link WrongUnitError}, said once per path and uid,
 * and its lines stay out of the recording ({@link HeldRecords}), unless `anyUnit` accepts it (the
 * recording then marks the change).
 */
import type { HelloMessage } from "../../protocol/messages.js";
import type { RecordSink } from "../recording/recordingWriter.js";
import { WrongUnitError } from "../source/rigErrors.js";

export class UnitIdentity {
  private readonly anyUnit: boolean;
  private expectedUid: string | null = null;
  /** The last wrong unit reported (path and uid), so that it is said once. */
  private reported = "";

  /** `anyUnit`: accept another unit after a reconnect (boards swapped on a bench). */
  constructor(anyUnit: boolean) {
    this.anyUnit = anyUnit;
  }

  /** The uid of the unit this source records; null before the first handshake. */
  get expected(): string | null {
    return this.expectedUid;
  }

  /** Forgets the unit (a deliberate open: whatever answers is the rig). */
  forget(): void {
    this.expectedUid = null;
  }

  /**
   * Takes the unit that said `hello` on `path` as the rig's; returns the uid it replaces when
   * `anyUnit` accepts another unit, else null. Throws a WrongUnitError for another unit otherwise.
   */
  admit(path: string, hello: HelloMessage): string | null {
    const expected = this.expectedUid;
    const replaced =
      expected !== null && hello.uid.toUpperCase() !== expected.toUpperCase() ? expected : null;
    if (replaced !== null && !this.anyUnit) throw new WrongUnitError(path, hello.uid, replaced);
    this.expectedUid = hello.uid;
    return replaced;
  }

  /** True the first time this wrong unit (path and uid) is seen since the last {@link clearReported}. */
  firstReport(e: WrongUnitError): boolean {
    const key = `${e.path}\u0000${e.foundUid}`;
    if (key === this.reported) return false;
    this.reported = key;
    return true;
  }

  /** The rig's unit is back: another wrong unit will be said again. */
  clearReported(): void {
    this.reported = "";
  }
}

type HeldRecord = Parameters<RecordSink["write"]>[0];
/** Records held during one handshake: its HELLO, INFO and a few stale lines fit. */
const MAX_HELD_RECORDS = 64;

/**
 * The records of a handshake in progress, held until its unit is known to be the rig's: written
 * then, forgotten when it is another unit. At most {@link MAX_HELD_RECORDS}, the oldest dropped.
 */
export class HeldRecords {
  private held: HeldRecord[] = [];

  hold(r: HeldRecord): void {
    if (this.held.length >= MAX_HELD_RECORDS) this.held.shift();
    this.held.push(r);
  }

  /** Writes what is held to `sink` (the unit was accepted), or forgets it (null: refused). */
  release(sink: RecordSink | null): void {
    const held = this.held;
    this.held = [];
    if (sink !== null) for (const r of held) sink.write(r);
  }
}
