/**
 * What a StandardFirmata rig is wired to and how its readings scale: the pin map and its
 * defaults, the part of a johnny-five IO plugin the Firmata source uses, and the 10-bit -> 12-bit
 * conversion of the thermistor readings (docs/design.md 2.3).
 */
import { type ThermistorConfig, tempCFromCounts } from "../../model/thermistor.js";

/** Pin numbers: analog channels for the thermistors, digital pins for the rest. */
export interface FirmataPins {
  /** Analog channel of the hot thermistor (0 = A0). */
  readonly hot: number;
  readonly cold: number;
  /** null: no ambient probe. */
  readonly amb: number | null;
  /** PWM pin of the pump. */
  readonly pump: number;
  /** PWM pin of the fan; null: no fan. */
  readonly fan: number | null;
  /** Digital pin of the heater's solid-state relay. */
  readonly heater: number;
  /** Digital pin of the flow meter. */
  readonly flow: number;
}

export const DEFAULT_FIRMATA_PINS: FirmataPins = {
  hot: 0,
  cold: 1,
  amb: 2,
  pump: 9,
  fan: 10,
  heater: 7,
  flow: 2,
};

/** The part of a johnny-five IO plugin (Firmata, mock-firmata) this source uses. */
export interface FirmataIo {
  readonly MODES: {
    readonly INPUT: number;
    readonly OUTPUT: number;
    readonly ANALOG: number;
    readonly PWM: number;
  };
  pinMode(pin: number, mode: number): void;
  analogRead(channel: number, callback: (value: number) => void): void;
  digitalRead(pin: number, callback: (value: number) => void): void;
  analogWrite(pin: number, value: number): void;
  digitalWrite(pin: number, value: number): void;
  setSamplingInterval?(ms: number): void;
  reportAnalogPin?(channel: number, on: 0 | 1): void;
  reportDigitalPin?(pin: number, on: 0 | 1): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit?(event: string, ...args: unknown[]): boolean;
  name?: string;
}

/** 10-bit Firmata reading -> the 12-bit counts of the firmware (x 4), at the step's middle. */
export function countsFrom10Bit(raw: number): number {
  return raw * 4 + 1.5;
}

/** Temperature [C] from a 10-bit reading with the host conversion (NaN when open or short). */
export function tempFrom10Bit(cfg: ThermistorConfig, raw: number, offsetK = 0): number {
  // tempCFromCounts takes the middle of a 12-bit count (counts + 0.5); the middle of the 10-bit
  // step raw is 4 * raw + 2 in 12-bit counts.
  return tempCFromCounts(cfg, countsFrom10Bit(raw)) + offsetK;
}
