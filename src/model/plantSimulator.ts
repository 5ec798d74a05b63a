/**
 * The "true" plant: the loop model (docs/design.md 2.2) with physical faults, read through the sensor
 * models (thermistors and flow meter, docs/design.md 2.3) into raw ADC counts and cumulative pulses,
 * with the ground-truth label of every fault at every sample. Inputs are the duties the device
 * applies and the ambient temperature; time is an argument (`advanceTo`), never read.
 *
 * Protocol semantics (seq, t_ms, holds, SAFE, flags, the over-temperature interlock) are not
 * here: the emulator wraps this plant and adds them.
 *
 * Integration: between two calls the inputs are constant; `advanceTo` further splits the
 * interval at every fault onset, end and ramp end, so no step crosses a discontinuity. Within a
 * ramp the right-hand side evaluates the fault level at each stage time (a smooth, linear
 * input). RK4 sub-steps are bounded by a fraction of the fastest time constant (at a constant
 * operating point the scalar stepper of twin.ts does the same RK4 without array traffic);
 * Dormand-Prince 5(4) is the alternative. The mass of coolant that passed the meter is
 * integrated as a third state, so the flow meter counts exactly the simulated flow.
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
import { DEFAULT_LOOP_PARAMS, type LoopParams, validateLoopParams } from "./loopParams.js";
import type { OdeRhs } from "./ode.js";
import { Rk4 } from "./rk4.js";
import { DEFAULT_THERMISTOR, type ThermistorConfig } from "./thermistor.js";
import { DEFAULT_SENSOR_NOISE_K_RMS, ThermistorSensor } from "./thermistorSensor.js";
import { DEFAULT_SUBSTEP_FRACTION, LoopTwin } from "./twin.js";

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
  // Numeric fields start as doubles (NaN), never undefined, so V8 keeps them unboxed-in-place
  // and the per-sample path allocates nothing.
  private time = Number.NaN;
  private pump = Number.NaN;
  private heater = Number.NaN;
  private fan = Number.NaN;
  private tAmb = Number.NaN;
  /** Fault-free operating point of the current duties and ambient. */
  private readonly nominal: LoopOperatingPoint;
  /** The operating point the right-hand side uses (nominal plus faults). */
  private readonly op: LoopOperatingPoint;
  /** Whether the right-hand side must re-evaluate faults at each stage (a ramp is under way). */
  private rampUnderWay = false;
  /**
   * The fault regime (which faults are off, ramping or full) is constant from one breakpoint to
   * the next: it is cached over [regimeStartS, regimeEndS) until the inputs or faults change.
   */
  private regimeStartS = Number.NaN;
  private regimeEndS = Number.NEGATIVE_INFINITY;
  /** Operating point for {@link PlantSimulator.sample} (kept apart from the cached regime's). */
  private readonly sampleOp: LoopOperatingPoint;
  private readonly physical: FaultSpec[] = [];
  private readonly all: FaultSpec[] = [];
  private readonly bits: number[] = [];
  private readonly labelled: boolean[] = [];
  private readonly rhs: OdeRhs;
  private readonly rk4: Rk4 | undefined;
  private readonly dopri: Dopri5 | undefined;
  private readonly substepFraction: number;
  private hMaxS = Number.POSITIVE_INFINITY;
  /** Scalar RK4 stepper for segments at a constant operating point (the common case). */
  private readonly stepper: LoopTwin;

  constructor(options: PlantSimulatorOptions = {}) {
    const params = validateLoopParams(options.params ?? DEFAULT_LOOP_PARAMS);
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
    this.time = 0;
    this.pump = 0;
    this.heater = 0;
    this.fan = 0;
    this.nominal = createOperatingPoint(params);
    this.op = createOperatingPoint(params);
    this.sampleOp = createOperatingPoint(params);
    this.y[0] = params.T_hot0;
    this.y[1] = params.T_cold0;
    this.substepFraction = options.substepFraction ?? DEFAULT_SUBSTEP_FRACTION;
    if (!(this.substepFraction > 0 && this.substepFraction <= 1))
      throw new ConfigError("substepFraction", this.substepFraction, "must be in (0, 1]");
    this.rhs = (tS, y, dydt) => {
      const op = this.op;
      if (this.rampUnderWay) this.faultedAt(tS, this.regimeStartS, op);
      loopDerivatives(this.params, op, y[0] as number, y[1] as number, dydt);
      dydt[2] = op.mDotKgS;
    };
    this.stepper = new LoopTwin(params, { substepFraction: this.substepFraction });
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
    this.regimeEndS = Number.NEGATIVE_INFINITY;
    setOperatingPointFromDuties(this.params, this.pump, this.heater, this.fan, this.tAmb, this.nominal);
    this.op.tSinkC = this.nominal.tSinkC;
    this.op.tAmbC = this.nominal.tAmbC;
    this.sampleOp.tSinkC = this.nominal.tSinkC;
    this.sampleOp.tAmbC = this.nominal.tAmbC;
    this.hMaxS = this.substepFraction * fastestTimeConstantS(this.params, this.nominal);
  }

  /**
   * Adds a fault (docs/design.md 2.4): physical faults change the loop, sensor faults their channel's
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
    this.regimeEndS = Number.NEGATIVE_INFINITY;
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
    this.regimeEndS = Number.NEGATIVE_INFINITY;
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
   * full) it has at `regimeS`; returns whether a physical fault is ramping in that regime. Within
   * a regime every fault level is linear in time, so using the regime's formula at its end points
   * too means an RK stage at a boundary never sees the next regime's level.
   */
  private faultedAt(tS: number, regimeS: number, op: LoopOperatingPoint): boolean {
    const n = this.nominal;
    op.mDotKgS = n.mDotKgS;
    op.qInW = n.qInW;
    op.uaWK = n.uaWK;
    let ramping = false;
    const faults = this.physical;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i] as FaultSpec;
      if (!isFaultActive(f, regimeS)) continue;
      let level = f.severity;
      if (f.rampS > 0 && regimeS < f.startS + f.rampS) {
        level = (f.severity * (tS - f.startS)) / f.rampS;
        ramping = true;
      }
      applyFaultLevel(op, f.kind, level);
    }
    return ramping;
  }

  /**
   * RK4 over `dtS` at the constant operating point `op` with the scalar stepper (the same
   * scheme as the generic RK4, written out on two scalars); the coolant mass is m_dot * dt.
   */
  private stepConstant(dtS: number): void {
    const op = this.op;
    const stepper = this.stepper;
    const cur = stepper.operatingPoint;
    if (
      cur.mDotKgS !== op.mDotKgS ||
      cur.qInW !== op.qInW ||
      cur.uaWK !== op.uaWK ||
      cur.tSinkC !== op.tSinkC ||
      cur.tAmbC !== op.tAmbC
    ) {
      stepper.setOperatingPoint(op);
    }
    const y = this.y;
    stepper.setState(y[0] as number, y[1] as number, this.time);
    stepper.step(dtS);
    y[0] = stepper.tHotC;
    y[1] = stepper.tColdC;
    y[2] = (y[2] as number) + op.mDotKgS * dtS;
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
      if (!(t0 >= this.regimeStartS && t0 < this.regimeEndS)) {
        // A new regime: from t0 to the next fault onset, ramp end or end. The faults are
        // right-continuous, so the regime at t0 is the regime of the whole interval.
        this.regimeStartS = t0;
        this.regimeEndS = this.nextBreakpointAfter(t0);
        this.rampUnderWay = this.faultedAt(t0, t0, this.op);
      }
      const t1 = this.regimeEndS < tS ? this.regimeEndS : tS;
      const massBefore = y[2] as number;
      const dt = t1 - t0;
      if (this.dopri) this.dopri.integrate(t0, y, t1);
      else if (this.rampUnderWay) (this.rk4 as Rk4).advance(t0, y, t1, this.hMaxS);
      else this.stepConstant(dt);
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
    const op = this.sampleOp;
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
