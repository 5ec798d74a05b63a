/**
 * The flow meter as the plant simulator and the emulator read it: pulses at K Hz per L/min,
 * accumulated with their fractional part carried over (so no flow is lost between readings),
 * reported as a cumulative uint32 count. A `flow_blockage` fault (debris jamming the rotor)
 * reduces the pulse rate by its level while the true flow is unchanged.
 */
import { type FaultSpec, faultLevel } from "./faultSpec.js";
import { type FlowMeterConfig, UINT32_RANGE } from "./flowMeter.js";

export class FlowMeterSensor {
  private readonly cfg: FlowMeterConfig;
  private readonly faults: FaultSpec[] = [];
  /** [pulses not yet whole, cumulative pulses]: a typed array so updates never box numbers. */
  private readonly state = new Float64Array(2);

  /** @param startPulses cumulative count at start (a device that has run before). @default 0 */
  constructor(cfg: FlowMeterConfig, startPulses = 0) {
    this.cfg = cfg;
    this.state[1] = startPulses >>> 0;
  }

  /** Adds a `flow_blockage` fault; other kinds are ignored (returns false). */
  addFault(spec: FaultSpec): boolean {
    if (spec.kind !== "flow_blockage") return false;
    this.faults.push(spec);
    return true;
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Restarts the count at zero (a device reboot). */
  resetCount(): void {
    this.state.fill(0);
  }

  /** Cumulative pulses (uint32). */
  get count(): number {
    return this.state[1]!;
  }

  /**
   * Accumulates `dtS` seconds of `trueFlowLpm` ending at `tS` and returns the cumulative pulses.
   */
  advance(tS: number, dtS: number, trueFlowLpm: number): number {
    let passed = 1;
    for (let i = 0; i < this.faults.length; i++) passed *= 1 - faultLevel(this.faults[i]!, tS);
    const flow = trueFlowLpm > 0 ? trueFlowLpm : 0;
    const st = this.state;
    const fraction = st[0]! + this.cfg.kHzPerLpm * flow * dtS * passed;
    const whole = Math.floor(fraction);
    st[0] = fraction - whole;
    st[1] = (st[1]! + whole) % UINT32_RANGE;
    return st[1]!;
  }
}
