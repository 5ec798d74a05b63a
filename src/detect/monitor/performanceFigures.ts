import type { LoopPerformance } from "../performance/loopPerformance.js";
import type { LoopPerformanceFigures } from "./monitorTypes.js";

/** The loop figures of the monitor contract, from the loop performance estimator (still settling: "settling"). */
export function performanceFigures(p: LoopPerformance): LoopPerformanceFigures {
  const stability = p.stability;
  return {
    heatDeliveredW: p.heatTransportW,
    heatRejectedW: p.heatRejectedW,
    hxEffectiveness: p.effectiveness,
    thermalResistanceKPerW: p.thermalResistanceKPerW,
    timeConstantS: p.timeConstantS,
    stability: stability === "unknown" ? "settling" : stability,
    rmseTHotK: p.residualRms(0),
    rmseTColdK: p.residualRms(1),
    rmseFlowLpm: p.residualRms(2),
  };
}
