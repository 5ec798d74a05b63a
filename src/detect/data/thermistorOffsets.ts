/**
 * A rig config's thermistor offsets applied to a table of the project's own data, so that the twin
 * offline reads what a live session with `--config` reads: the converter adds the offsets to every
 * converted reading (SensorCalibration.offsetsK in src/model/telemetryConverter.ts), and `looptwin
 * calibrate` fits them against the readings of the file it was given (docs/design.md 6).
 */
import type { LabelledTable } from "./labelledTable.js";

/** Thermistor offsets [K], added to a reading to give the true temperature. */
export interface ThermistorOffsetsK {
  readonly hot: number;
  readonly cold: number;
  readonly amb: number;
}

/** The measured temperature columns each offset applies to. */
const OFFSET_COLUMNS: ReadonlyArray<readonly [string, keyof ThermistorOffsetsK]> = [
  ["meas_t_hot_c", "hot"],
  ["meas_t_cold_c", "cold"],
  ["meas_t_amb_c", "amb"],
];

/**
 * The table with each offset added to its measured temperature column (new arrays; the input is
 * untouched). Columns the table lacks and zero offsets are left as they are.
 */
export function withThermistorOffsets(table: LabelledTable, offsetsK: ThermistorOffsetsK): LabelledTable {
  const channels = table.channels.slice();
  let changed = false;
  for (const [column, probe] of OFFSET_COLUMNS) {
    const i = table.channelNames.indexOf(column);
    const offsetK = offsetsK[probe];
    if (i < 0 || offsetK === 0) continue;
    const src = table.channels[i] as Float64Array;
    const shifted = new Float64Array(src.length);
    for (let r = 0; r < src.length; r++) shifted[r] = (src[r] as number) + offsetK;
    channels[i] = shifted;
    changed = true;
  }
  return changed ? { ...table, channels } : table;
}
