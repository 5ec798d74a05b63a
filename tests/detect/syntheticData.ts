/**
 * Seeded synthetic data for the learned-detector tests: correlated channels driven by a shared
 * latent factor plus independent noise (so PCA has structure to learn), an optional shift injected
 * over a row range, and a SKAB-layout CSV writer. Never real SKAB data (GPL-3.0, kept out of the
 * repository).
 */
import { SeededRng } from "../../src/core/rng.js";

export interface SyntheticOptions {
  readonly rows: number;
  readonly channels: number;
  readonly seed: number;
  /** Rows [from, to) get `shift` (in noise standard deviations) added to channel `channel`. */
  readonly fault?: {
    readonly from: number;
    readonly to: number;
    readonly channel: number;
    readonly shift: number;
  };
}

export interface SyntheticData {
  readonly names: string[];
  readonly channels: Float64Array[];
  readonly anomaly: Uint8Array;
}

/** x_c = offset_c + loading_c * f + 0.3 * e_c, with f an AR(1) latent factor and e white noise. */
export function correlatedChannels(o: SyntheticOptions): SyntheticData {
  const rng = new SeededRng(o.seed);
  const names = Array.from({ length: o.channels }, (_, c) => `ch${c}`);
  const channels = names.map(() => new Float64Array(o.rows));
  const anomaly = new Uint8Array(o.rows);
  const loading = names.map((_, c) => 0.5 + (0.5 * ((c * 7) % 5)) / 4);
  let f = 0;
  for (let i = 0; i < o.rows; i++) {
    f = 0.9 * f + Math.sqrt(1 - 0.81) * rng.normal();
    for (let c = 0; c < o.channels; c++) {
      let v = 10 * (c + 1) + (loading[c] as number) * f + 0.3 * rng.normal();
      if (o.fault && i >= o.fault.from && i < o.fault.to) {
        if (c === o.fault.channel) v += o.fault.shift * 0.3;
        anomaly[i] = 1;
      }
      (channels[c] as Float64Array)[i] = v;
    }
  }
  return { names, channels, anomaly };
}

/** `2020-03-09 10:00:00` plus `s` seconds, SKAB style. */
export function skabTime(s: number): string {
  const d = new Date(Date.UTC(2020, 2, 9, 10, 0, 0) + s * 1000);
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** SKAB-layout CSV text (`;`, CRLF, labels as 0.0/1.0; changepoints at the label's edges). */
export function skabCsv(data: SyntheticData, withLabels = true): string {
  const header = ["datetime", ...data.names, ...(withLabels ? ["anomaly", "changepoint"] : [])].join(";");
  const lines = [header];
  const rows = data.channels[0]?.length ?? 0;
  for (let i = 0; i < rows; i++) {
    const cells = [skabTime(i), ...data.channels.map((ch) => String(ch[i]))];
    if (withLabels) {
      const a = data.anomaly[i] as number;
      const before = i === 0 ? 0 : (data.anomaly[i - 1] as number);
      cells.push(`${a}.0`, a !== before ? "1.0" : "0.0");
    }
    lines.push(cells.join(";"));
  }
  return `${lines.join("\r\n")}\r\n`;
}
