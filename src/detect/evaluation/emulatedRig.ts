/**
 * A seeded emulated rig for evaluating the monitor: the plant simulator (true physics, faults,
 * sensor models) read at the telemetry rate into raw TLM values (12-bit counts, cumulative
 * pulses, device millis, applied duties, flags) and converted by the host's own
 * {@link TelemetryConverter}, exactly as the serial source converts a real rig's lines. The
 * operator's setpoints follow a schedule; the plant applies them (physical faults are the plant's
 * own, so the twin never sees them). Deterministic for a seed; no allocation per sample.
 */
import { ConfigError } from "../../core/errors.js";
import { type FaultSpec, parseFaultSpec } from "../../model/faultSpec.js";
import { DEFAULT_FLOW_METER } from "../../model/flowMeter.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams } from "../../model/loopParams.js";
import { createPlantSample, type PlantSample, PlantSimulator } from "../../model/plantSimulator.js";
import { createRigSample, type RigSample, TLM_FLAGS } from "../../model/rigSample.js";
import { loopSteadyStateAtDuties } from "../../model/steadyState.js";
import {
  type RawTelemetry,
  type SensorCalibration,
  TelemetryConverter,
} from "../../model/telemetryConverter.js";
import { classifyCounts, DEFAULT_THERMISTOR } from "../../model/thermistor.js";
import { formatDeviceMessage } from "../../protocol/format.js";
import type { OperatorSetpoints } from "../monitor/monitorTypes.js";

/** The default rig's calibration (10 k B3950 thermistors, 10 k series, YF-S201 meter, 2 s window). */
export const DEFAULT_RIG_CALIBRATION: SensorCalibration = {
  hot: DEFAULT_THERMISTOR,
  cold: DEFAULT_THERMISTOR,
  amb: DEFAULT_THERMISTOR,
  flowMeter: DEFAULT_FLOW_METER,
};

/** An operator's setpoint change at rig time `tS`. */
export interface SetpointStep extends OperatorSetpoints {
  readonly tS: number;
}

export interface EmulatedRigOptions {
  readonly params?: LoopParams;
  readonly seed?: number;
  /** Telemetry rate [Hz]. @default 10 */
  readonly rateHz?: number;
  /** Setpoint schedule, sorted by time; the first entry applies from t = 0. */
  readonly setpoints: readonly SetpointStep[];
  /** Faults (specs or parsed) of the plant: physical, sensor, flow meter. */
  readonly faults?: readonly (string | FaultSpec)[];
  /** Start at the steady state of the first setpoints (else at the parameters' initial state). @default true */
  readonly steady?: boolean;
  /** Thermistor noise [K rms]; undefined for the sensor model's default. */
  readonly noiseKRms?: number;
  readonly hasAmbientProbe?: boolean;
}

/** Mutable TLM fields (a RawTelemetry the rig overwrites). */
type RawSlot = { -readonly [K in keyof RawTelemetry]: RawTelemetry[K] };

export class EmulatedRig {
  readonly params: LoopParams;
  readonly plant: PlantSimulator;
  readonly rateHz: number;
  /** The converted sample of the latest {@link next} (overwritten). */
  readonly sample: RigSample = createRigSample();
  /** The plant's truth at the latest sample (overwritten). */
  readonly truth: PlantSample = createPlantSample();
  private readonly converter = new TelemetryConverter(DEFAULT_RIG_CALIBRATION);
  private readonly raw: RawSlot = {
    seq: 0,
    tMs: 0,
    adcHot: 0,
    adcCold: 0,
    adcAmb: -1,
    pulses: 0,
    pumpDuty: 0,
    heaterDuty: 0,
    fanDuty: 0,
    flags: 0,
  };
  private readonly schedule: readonly SetpointStep[];
  private nextStep = 0;
  private k = 0;

  constructor(options: EmulatedRigOptions) {
    this.params = options.params ?? DEFAULT_LOOP_PARAMS;
    this.rateHz = options.rateHz ?? 10;
    if (!(this.rateHz > 0 && this.rateHz <= 1000))
      throw new ConfigError("rateHz", this.rateHz, "must be in (0, 1000]");
    const sched = options.setpoints;
    const first = sched[0];
    if (first === undefined)
      throw new ConfigError("setpoints", sched, "needs at least the initial setpoints");
    for (let i = 1; i < sched.length; i++)
      if (!((sched[i] as SetpointStep).tS >= (sched[i - 1] as SetpointStep).tS))
        throw new ConfigError(
          `setpoints[${i}].tS`,
          (sched[i] as SetpointStep).tS,
          "must not go back in time",
        );
    this.schedule = sched;
    this.plant = new PlantSimulator({
      params: this.params,
      seed: options.seed ?? 1,
      ...(options.noiseKRms === undefined ? {} : { noiseKRms: options.noiseKRms }),
      ...(options.hasAmbientProbe === undefined ? {} : { hasAmbientProbe: options.hasAmbientProbe }),
    });
    for (const f of options.faults ?? []) this.plant.addFault(typeof f === "string" ? parseFaultSpec(f) : f);
    this.plant.setInputs(first.pumpDuty, first.heaterDuty, first.fanDuty, this.params.T_amb);
    if (options.steady ?? true) {
      const ss = loopSteadyStateAtDuties(this.params, first.pumpDuty, first.heaterDuty, first.fanDuty);
      if (ss.ok) this.plant.setState(ss.value.tHotC, ss.value.tColdC);
    }
    this.nextStep = 1;
  }

  /** The initial setpoints (what the operator set before the first sample). */
  get initialSetpoints(): OperatorSetpoints {
    return this.schedule[0] as SetpointStep;
  }

  /** Rig time of the next sample [s]. */
  get nextTS(): number {
    return this.k / this.rateHz;
  }

  /**
   * Advances to the next telemetry time and returns its converted sample. Every setpoint change
   * on the way is applied to the plant at its own time and reported to `onSetpoints` first.
   */
  next(onSetpoints?: (setpoints: OperatorSetpoints, tS: number) => void): RigSample {
    const t = this.k / this.rateHz;
    this.k++;
    const plant = this.plant;
    while (this.nextStep < this.schedule.length && (this.schedule[this.nextStep] as SetpointStep).tS <= t) {
      const st = this.schedule[this.nextStep] as SetpointStep;
      this.nextStep++;
      plant.advanceTo(Math.max(plant.tS, st.tS));
      plant.setInputs(st.pumpDuty, st.heaterDuty, st.fanDuty, this.params.T_amb);
      onSetpoints?.(st, st.tS);
    }
    plant.advanceTo(t);
    const p = plant.sample(this.truth);
    const raw = this.raw;
    raw.seq = (raw.seq + 1) >>> 0;
    raw.tMs = Math.round(t * 1000) % 4294967296;
    raw.adcHot = p.adcHot;
    raw.adcCold = p.adcCold;
    raw.adcAmb = p.adcAmb;
    raw.pulses = p.pulses;
    raw.pumpDuty = p.pumpDuty;
    raw.heaterDuty = p.heaterDuty;
    raw.fanDuty = p.fanDuty;
    raw.flags =
      classifyCounts(p.adcHot) !== "ok" || classifyCounts(p.adcCold) !== "ok"
        ? TLM_FLAGS.sensorOutOfRange
        : 0;
    return this.converter.convert(raw, this.sample);
  }

  /** The latest sample's TLM line as the firmware formats it (with its CRC, without the `\n`). */
  tlmLine(): string {
    return formatDeviceMessage({ type: "TLM", ...this.raw });
  }
}
