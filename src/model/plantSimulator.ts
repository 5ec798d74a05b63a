/**
 * The "true" plant: the loop model (DESIGN.md 2.2) with physical faults, read through the sensor
 * models (thermistors and flow meter, DESIGN.md 2.3) into raw ADC counts and cumulative pulses,
 * with the ground-truth label of every fault at every sample. Inputs are the duties the device
 * applies and the ambient temperature; time is an argument (`advanceTo`), never read.
 *
 * Protocol semantics (seq, t_ms, holds, SAFE, flags, the over-temperature interlock) are not
 * here: the emulator wraps this plant and adds them.
 *
 * Integration: between two calls the inputs are constant; `advanceTo` further splits the
 * interval at every fault onset, end and ramp end, so no step crosses a discontinuity. Within a
 * ramp the right-hand side evaluates the fault level at each stage time (a smooth, linear
 * input). RK4 sub-steps are bounded by a fraction of the fastest time constant of the fault-free
 * operating point (faults only slow the loop down); Dormand-Prince 5(4) is the alternative. The
 * mass of coolant that passed the meter is integrated as a third state, so the flow meter counts
 * exactly the simulated flow.
 */
import { ConfigError } from "../core/errors.js";
import { SeededRng } from "../core/rng.js";
import { kgSToLpm } from "../core/units.js";
import { Dopri5 } from "./dopri5.js";
import {
  FAULT_KINDS,
  type FaultKind,
  type FaultSpec,
  formatFaultSpec,
  isFaultActive,
  type SensorChannel,
} from "./faultSpec.js";
import { DEFAULT_FLOW_METER, type FlowMeterConfig } from "./flowMeter.js";
import { FlowMeterSensor } from "./flowMeterSensor.js";
import {
  applyFaultLevel,
  checkDuty,
  createOperatingPoint,
  fastestTimeConstantS,
  type LoopOperatingPoint,
  loopDerivatives,
  setOperatingPointFromDuties,
} from "./loopModel.js";
import { DEFAULT_LOOP_PARAMS, type LoopParams } from "./loopParams.js";
import type { OdeRhs } from "./ode.js";
import { Rk4 } from "./rk4.js";
import { DEFAULT_THERMISTOR, type ThermistorConfig } from "./thermistor.js";
import { DEFAULT_SENSOR_NOISE_K_RMS, ThermistorSensor } from "./thermistorSensor.js";
import { DEFAULT_SUBSTEP_FRACTION } from "./twin.js";

/** PWM channels of the rig. */
export const DUTY_CHANNELS = ["pump", "heater", "fan"] as const;
export type DutyChannel = (typeof DUTY_CHANNELS)[number];

export interface PlantSimulatorOptions {
  /** Loop parameters; the initial state is `[T_hot0, T_cold0]`, the initial ambient `T_amb`. @default DEFAULT_LOOP_PARAMS */
  readonly params?: LoopParams;
  /** Seed of every random draw (sensor noise, dropouts). @default 1 */
  readonly seed?: number;
  /** Thermistor of each channel. @default DEFAULT_THERMISTOR for all three */
  readonly thermistors?: {
    readonly hot?: ThermistorConfig;
    readonly cold?: ThermistorConfig;
    readonly amb?: ThermistorConfig;
  };
  /** Flow meter. @default DEFAULT_FLOW_METER (7.5 Hz per L/min) */
  readonly flowMeter?: FlowMeterConfig;
  /** White noise of every thermistor reading [K rms]. @default DEFAULT_SENSOR_NOISE_K_RMS */
  readonly noiseKRms?: number;
  /** Probability per reading of an intermittent open thermistor contact. @default 0 */
  readonly dropoutRate?: number;
  /** Whether the rig has an ambient probe (`adcAmb` is -1 without one). @default true */
  readonly hasAmbientProbe?: boolean;
  /** Integrator of the loop model. @default "rk4" */
  readonly integrator?: "rk4" | "dopri5";
  /** RK4 sub-step bound as a fraction of the fastest time constant. @default 0.05 */
  readonly substepFraction?: number;
  /** Relative tolerance of Dormand-Prince (absolute is rtol x 1 K). @default 1e-8 */
  readonly rtol?: number;
}

/** One plant sample (preallocate with {@link createPlantSample}; {@link PlantSimulator.sample} overwrites it). */
export interface PlantSample {
  /** Simulation time [s]. */
  tS: number;
  /** Raw 12-bit counts 0..4092 of the hot, cold and ambient thermistors; `adcAmb` -1 without an ambient probe. */
  adcHot: number;
  adcCold: number;
  adcAmb: number;
  /** Cumulative flow-meter pulses (uint32, wraps). */
  pulses: number;
  /** True hot-node temperature [C]. */
  tHotC: number;
  /** True cold-node temperature [C]. */
  tColdC: number;
  /** True ambient temperature [C]. */
  tAmbC: number;
  /** Sink temperature [C]. */
  tSinkC: number;
  /** True mass flow after pump faults [kg/s]. */
  mDotKgS: number;
  /** True volumetric flow [L/min]. */
  flowLpm: number;
  /** True heat input after heater faults [W]. */
  qInW: number;
  /** True radiator conductance after fan law and fouling [W/K]. */
  uaWK: number;
  /** Duties applied now, 0-255. */
  pumpDuty: number;
  heaterDuty: number;
  fanDuty: number;
  /** Bit `i` set when a fault of kind `FAULT_KINDS[i]` is active (see {@link faultLabel}). */
  faultMask: number;
  /** 1 while any fault is active (SKAB `anomaly`). */
  anomaly: number;
  /** 1 on the first sample at which a fault is active (SKAB `changepoint`). */
  changepoint: number;
}

export function createPlantSample(): PlantSample {
  return {
    tS: 0,
    adcHot: 0,
    adcCold: 0,
    adcAmb: -1,
    pulses: 0,
    tHotC: Number.NaN,
    tColdC: Number.NaN,
    tAmbC: Number.NaN,
    tSinkC: Number.NaN,
    mDotKgS: 0,
    flowLpm: 0,
    qInW: 0,
    uaWK: 0,
    pumpDuty: 0,
    heaterDuty: 0,
    fanDuty: 0,
    faultMask: 0,
    anomaly: 0,
    changepoint: 0,
  };
}

/** The bit of a fault kind in {@link PlantSample.faultMask}. */
export function faultBit(kind: FaultKind): number {
  return 1 << FAULT_KINDS.indexOf(kind);
}

/** The fault kinds set in `mask`, in FAULT_KINDS order. */
export function faultKindsOfMask(mask: number): FaultKind[] {
  return FAULT_KINDS.filter((_k, i) => (mask & (1 << i)) !== 0);
}

const labelCache = new Map<number, string>();

/** Active fault kinds of `mask` joined by `+` (empty when none); memoised, so cheap per row. */
export function faultLabel(mask: number): string {
  let s = labelCache.get(mask);
  if (s === undefined) {
    s = faultKindsOfMask(mask).join("+");
    labelCache.set(mask, s);
  }
  return s;
}

/** Mass passed [kg] is the third state, after T_hot and T_cold. */
const N_STATE = 3;

export class PlantSimulator {
  readonly params: LoopParams;
  readonly hasAmbientProbe: boolean;
  private readonly hot: ThermistorSensor;
  private readonly cold: ThermistorSensor;
  private readonly amb: ThermistorSensor;
  private readonly flow: FlowMeterSensor;
  private readonly y = new Float64Array(N_STATE);
  private time = 0;
  private pump = 0;
  private heater = 0;
  private fan = 0;
  private tAmb: number;
  /** Fault-free operating point of the current duties and ambient. */
  private readonly nominal: LoopOperatingPoint;
  /** The operating point the right-hand side uses (nominal plus faults). */
  private readonly op: LoopOperatingPoint;
  /** Whether the right-hand side must re-evaluate faults at each stage (a ramp is under way). */
  private rampUnderWay = false;
  /** Midpoint of the segment being integrated: decides which side of a fault boundary applies. */
  private segmentMidS = 0;
  private readonly physical: FaultSpec[] = [];
  private readonly all: FaultSpec[] = [];
  private readonly bits: number[] = [];
  private readonly labelled: boolean[] = [];
  private readonly rhs: OdeRhs;
  private readonly rk4: Rk4 | undefined;
  private readonly dopri: Dopri5 | undefined;
  private readonly substepFraction: number;
  private hMaxS = Number.POSITIVE_INFINITY;

  constructor(options: PlantSimulatorOptions = {}) {
    const params = options.params ?? DEFAULT_LOOP_PARAMS;
    this.params = params;
    this.hasAmbientProbe = options.hasAmbientProbe ?? true;
    const rng = new SeededRng(options.seed ?? 1);
    const sensorOptions = {
      noiseKRms: options.noiseKRms ?? DEFAULT_SENSOR_NOISE_K_RMS,
      dropoutRate: options.dropoutRate ?? 0,
    };
    const th = options.thermistors ?? {};
    this.hot = new ThermistorSensor("hot", th.hot ?? DEFAULT_THERMISTOR, rng.fork(0), sensorOptions);
    this.cold = new ThermistorSensor("cold", th.cold ?? DEFAULT_THERMISTOR, rng.fork(1), sensorOptions);
    this.amb = new ThermistorSensor("amb", th.amb ?? DEFAULT_THERMISTOR, rng.fork(2), sensorOptions);
    this.flow = new FlowMeterSensor(options.flowMeter ?? DEFAULT_FLOW_METER);
    this.tAmb = params.T_amb;
    this.nominal = createOperatingPoint(params);
    this.op = createOperatingPoint(params);
    this.y[0] = params.T_hot0;
    this.y[1] = params.T_cold0;
    this.substepFraction = options.substepFraction ?? DEFAULT_SUBSTEP_FRACTION;
    if (!(this.substepFraction > 0 && this.substepFraction <= 1))
      throw new ConfigError("substepFraction", this.substepFraction, "must be in (0, 1]");
    this.rhs = (tS, y, dydt) => {
      const op = this.op;
      if (this.rampUnderWay) this.faultedAt(tS, this.segmentMidS, op);
      loopDerivatives(this.params, op, y[0] as number, y[1] as number, dydt);
      dydt[2] = op.mDotKgS;
    };
    const integrator = options.integrator ?? "rk4";
    switch (integrator) {
      case "rk4":
        this.rk4 = new Rk4(N_STATE, this.rhs);
        break;
      case "dopri5": {
        const rtol = options.rtol ?? 1e-8;
        this.dopri = new Dopri5(N_STATE, this.rhs, { rtol, atol: rtol });
        break;
      }
      default:
        throw new ConfigError("integrator", integrator, 'must be "rk4" or "dopri5"');
    }
    this.refreshNominal();
  }

  /** Simulation time [s]. */
  get tS(): number {
    return this.time;
  }

  /** The true temperatures [C]. */
  get tHotC(): number {
    return this.y[0] as number;
  }

  get tColdC(): number {
    return this.y[1] as number;
  }

  /** The faults added so far, in order. */
  get faults(): readonly FaultSpec[] {
    return this.all;
  }

  /** Sets the true state (e.g. to start a run at the steady state). */
  setState(tHotC: number, tColdC: number): void {
    this.y[0] = tHotC;
    this.y[1] = tColdC;
  }

  /** The duty (0-255) the device applies on `channel` from now on. */
  setDuty(channel: DutyChannel, duty: number): void {
    checkDuty(channel, duty);
    switch (channel) {
      case "pump":
        this.pump = duty;
        break;
      case "heater":
        this.heater = duty;
        break;
      case "fan":
        this.fan = duty;
        break;
    }
    this.refreshNominal();
  }

  /** Sets all three duties (0-255) and the ambient [C] at once (one operating-point update). */
  setInputs(pumpDuty: number, heaterDuty: number, fanDuty: number, tAmbC: number): void {
    checkDuty("pump", pumpDuty);
    checkDuty("heater", heaterDuty);
    checkDuty("fan", fanDuty);
    if (!Number.isFinite(tAmbC)) throw new RangeError(`setInputs: tAmbC must be finite (got ${tAmbC})`);
    this.pump = pumpDuty;
    this.heater = heaterDuty;
    this.fan = fanDuty;
    this.tAmb = tAmbC;
    this.refreshNominal();
  }

  getDuty(channel: DutyChannel): number {
    switch (channel) {
      case "pump":
        return this.pump;
      case "heater":
        return this.heater;
      case "fan":
        return this.fan;
    }
  }

  /** The ambient temperature [C] from now on. */
  setAmbientC(tAmbC: number): void {
    if (!Number.isFinite(tAmbC)) throw new RangeError(`setAmbientC: tAmbC must be finite (got ${tAmbC})`);
    this.tAmb = tAmbC;
    this.refreshNominal();
  }

  private refreshNominal(): void {
    setOperatingPointFromDuties(this.params, this.pump, this.heater, this.fan, this.tAmb, this.nominal);
    this.op.tSinkC = this.nominal.tSinkC;
    this.op.tAmbC = this.nominal.tAmbC;
    this.hMaxS = this.substepFraction * fastestTimeConstantS(this.params, this.nominal);
  }

  /**
   * Adds a fault (DESIGN.md 2.4): physical faults change the loop, sensor faults their channel's
   * thermistor, `flow_blockage` the flow meter. Link faults belong to the emulator's link and
   * are refused, as is a fault on the ambient channel of a rig without an ambient probe.
   */
  addFault(spec: FaultSpec): void {
    switch (spec.kind) {
      case "pump_degradation":
      case "pump_failure":
      case "hx_fouling":
      case "heater_overpower":
        this.physical.push(spec);
        break;
      case "sensor_bias":
      case "sensor_drift":
      case "sensor_noise":
      case "sensor_stuck":
      case "sensor_open":
      case "sensor_short":
        this.sensorOf(spec.channel, spec).addFault(spec);
        break;
      case "flow_blockage":
        this.flow.addFault(spec);
        break;
      case "link_corrupt":
      case "link_drop":
      case "link_disconnect":
      case "device_reboot":
        throw new ConfigError(
          `fault ${spec.kind}`,
          formatFaultSpec(spec),
          "a link fault: the plant has no serial link (use looptwin emulate)",
        );
      default: {
        const never: never = spec.kind;
        throw new ConfigError("fault", never, "unknown fault kind");
      }
    }
    this.all.push(spec);
    this.bits.push(faultBit(spec.kind));
    this.labelled.push(false);
  }

  private sensorOf(channel: SensorChannel | undefined, spec: FaultSpec): ThermistorSensor {
    switch (channel) {
      case "hot":
        return this.hot;
      case "cold":
        return this.cold;
      case "amb":
        if (!this.hasAmbientProbe)
          throw new ConfigError(`fault ${spec.kind}.channel`, "amb", "this rig has no ambient probe");
        return this.amb;
      default:
        throw new ConfigError(
          `fault ${spec.kind}.channel`,
          channel,
          "a sensor fault needs a channel (hot, cold or amb)",
        );
    }
  }

  /** Removes every fault (physical, sensor and flow meter) and their labels. */
  clearFaults(): void {
    this.physical.length = 0;
    this.all.length = 0;
    this.bits.length = 0;
    this.labelled.length = 0;
    this.hot.clearFaults();
    this.cold.clearFaults();
    this.amb.clearFaults();
    this.flow.clearFaults();
  }

  /** The first fault onset, ramp end or end strictly after `tS` (Infinity if none). */
  private nextBreakpointAfter(tS: number): number {
    let next = Number.POSITIVE_INFINITY;
    const faults = this.all;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i] as FaultSpec;
      if (f.startS > tS && f.startS < next) next = f.startS;
      const rampEnd = f.startS + f.rampS;
      if (rampEnd > tS && rampEnd < next) next = rampEnd;
      if (f.endS > tS && f.endS < next) next = f.endS;
    }
    return next;
  }

  /**
   * Writes the faulted operating point at `tS` into `op`, each fault in the regime (off, ramping,
   * full) it has at `regimeS`. Within a segment between breakpoints every fault level is linear in
   * time; taking the regime from the segment's midpoint gives the segment's own formula at its end
   * points too, so an RK stage at a segment's end never sees the next segment's level.
   */
  private faultedAt(tS: number, regimeS: number, op: LoopOperatingPoint): void {
    const n = this.nominal;
    op.mDotKgS = n.mDotKgS;
    op.qInW = n.qInW;
    op.uaWK = n.uaWK;
    const faults = this.physical;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i] as FaultSpec;
      if (!isFaultActive(f, regimeS)) continue;
      const rampEnd = f.startS + f.rampS;
      const level = f.rampS > 0 && regimeS < rampEnd ? (f.severity * (tS - f.startS)) / f.rampS : f.severity;
      applyFaultLevel(op, f.kind, level);
    }
  }

  /** Whether a physical fault is ramping anywhere inside (t0S, t1S). */
  private rampWithin(t0S: number, t1S: number): boolean {
    const faults = this.physical;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i] as FaultSpec;
      if (f.rampS > 0 && f.startS < t1S && f.startS + f.rampS > t0S && f.endS > t0S) return true;
    }
    return false;
  }

  /**
   * Advances the plant to `tS` [s] with the current duties and ambient, never integrating
   * across a fault onset, ramp end or end. Throws an IntegrationError (with the simulation time)
   * if the state stops being finite.
   */
  advanceTo(tS: number): void {
    if (!(tS >= this.time))
      throw new RangeError(`advanceTo: time cannot go back (from ${this.time} s to ${tS} s)`);
    const y = this.y;
    while (this.time < tS) {
      const t0 = this.time;
      const bp = this.nextBreakpointAfter(t0);
      const t1 = bp < tS ? bp : tS;
      this.segmentMidS = (t0 + t1) / 2;
      this.rampUnderWay = this.rampWithin(t0, t1);
      // Constant within the segment: evaluate the faults once.
      if (!this.rampUnderWay) this.faultedAt(this.segmentMidS, this.segmentMidS, this.op);
      const massBefore = y[2] as number;
      if (this.rk4) this.rk4.advance(t0, y, t1, this.hMaxS);
      else (this.dopri as Dopri5).integrate(t0, y, t1);
      const dt = t1 - t0;
      this.flow.advance(t1, dt, kgSToLpm(((y[2] as number) - massBefore) / dt));
      this.time = t1;
    }
    // Keep the mass counter small so its rounding never grows with run length.
    y[2] = 0;
  }

  /**
   * Writes the sample at the current time into `out`: sensor readings (unless `readSensors` is
   * false: then the ADC fields are left as they were and no random numbers are drawn), the true
   * states and operating point, the applied duties and the fault labels. Allocates nothing.
   */
  sample(out: PlantSample, readSensors = true): PlantSample {
    const t = this.time;
    const op = this.op;
    this.faultedAt(t, t, op);
    out.tS = t;
    out.tHotC = this.y[0] as number;
    out.tColdC = this.y[1] as number;
    out.tAmbC = this.tAmb;
    out.tSinkC = op.tSinkC;
    out.mDotKgS = op.mDotKgS;
    out.flowLpm = kgSToLpm(op.mDotKgS);
    out.qInW = op.qInW;
    out.uaWK = op.uaWK;
    out.pumpDuty = this.pump;
    out.heaterDuty = this.heater;
    out.fanDuty = this.fan;
    if (readSensors) {
      out.adcHot = this.hot.read(t, out.tHotC);
      out.adcCold = this.cold.read(t, out.tColdC);
      out.adcAmb = this.hasAmbientProbe ? this.amb.read(t, this.tAmb) : -1;
    }
    out.pulses = this.flow.count;
    let mask = 0;
    let changepoint = 0;
    const faults = this.all;
    for (let i = 0; i < faults.length; i++) {
      if (isFaultActive(faults[i] as FaultSpec, t)) {
        mask |= this.bits[i] as number;
        if (!this.labelled[i]) {
          this.labelled[i] = true;
          changepoint = 1;
        }
      }
    }
    out.faultMask = mask;
    out.anomaly = mask !== 0 ? 1 : 0;
    out.changepoint = changepoint;
    return out;
  }
}
