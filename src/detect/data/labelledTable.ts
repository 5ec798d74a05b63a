/**
 * The in-memory form of every labelled data file that `looptwin detect` and `looptwin eval` read,
 * whatever its on-disk format (SKAB CSV today; the project's own simulator CSVs and recordings
 * plug in by producing the same shape). Column-major: one Float64Array per channel, so a detector
 * can take any subset of channels (sensor readings or the twin's residuals) without copying.
 */

/** The on-disk formats a {@link LabelledTable} can be read from. */
export const TABLE_FORMATS = ["skab", "looptwin"] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface LabelledTable {
  /** The file the table came from, for messages. */
  readonly source: string;
  /** Name of the time column as written in the file, e.g. `datetime` or `t_s`. */
  readonly timeColumn: string;
  /** Each row's time exactly as written, echoed into detector output. */
  readonly timeText: readonly string[];
  /** Each row's time in seconds (any origin), non-decreasing. */
  readonly timeS: Float64Array;
  /** Names of the numeric channels, in file order. */
  readonly channelNames: readonly string[];
  /** One array per channel, each `rowCount` long. */
  readonly channels: readonly Float64Array[];
  /** Ground truth per row (1 = anomalous), when the file has an `anomaly` column. */
  readonly anomaly: Uint8Array | undefined;
  /** Changepoint marks per row (1 = a changepoint at this row), when the file has a `changepoint` column. */
  readonly changepoint: Uint8Array | undefined;
  readonly rowCount: number;
}
