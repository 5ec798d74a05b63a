/**
 * A record sink whose file can be started and stopped while the source keeps writing to it (the
 * dashboard's `r` key): the source is built with this sink once, and records go to the current
 * recording, or nowhere between recordings.
 */
import type { KnownRecord } from "../rig/recording/recording.js";
import type { RecordSink } from "../rig/recording/recordingWriter.js";

/** An open recording: a sink that can be flushed and closed (RecordingWriter is one). */
export interface RecordingHandle extends RecordSink {
  readonly path: string;
  flush(): void;
  close(): void;
}

export class SwitchableRecordSink implements RecordSink {
  private current: RecordingHandle | null = null;

  /** The recording records go to now, or null. */
  get target(): RecordingHandle | null {
    return this.current;
  }

  /** Sends records to `handle` from now on (the previous one, if any, is closed). */
  attach(handle: RecordingHandle): void {
    this.detach();
    this.current = handle;
  }

  /** Stops recording: flushes and closes the current file; returns it. */
  detach(): RecordingHandle | null {
    const h = this.current;
    this.current = null;
    h?.close();
    return h;
  }

  atMs(): number {
    return this.current?.atMs() ?? 0;
  }

  write(record: KnownRecord): void {
    this.current?.write(record);
  }
}
