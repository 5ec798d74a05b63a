import { writeSync } from "node:fs";
import type { CsvSink } from "../core/csvWriter.js";

/**
 * A CSV sink that writes each chunk to an open file descriptor, whole, before returning. In the
 * CLI, not beside the writer: `core` does no I/O (docs/design.md 3).
 */
export function fdSink(fd: number): CsvSink {
  return (chunk) => {
    let done = 0;
    while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
  };
}
