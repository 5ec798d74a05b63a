/**
 * The fault runs the output fingerprints (`npm run monitor:hash`, `npm run learned:hash`) hash
 * beside the 6 h nominal stream: each fault alone in a 30-minute run (seed 7), and a pump failure
 * with lost lines and a 90 s gap (seed 9, `dropLines`).
 */
export const HASH_FAULT_RUN_SEED = 7;
export const HASH_FAULT_RUN_S = 1800;
export const HASH_FAULTS = [
  "pump_failure:start=600",
  "pump_degradation:start=600,severity=0.3",
  "flow_blockage:start=600,severity=0.5",
  "sensor_bias:start=600,value=1.5,channel=hot",
  "sensor_stuck:start=600,channel=cold",
  "hx_fouling:start=300,ramp=600,severity=0.5",
  "sensor_noise:start=600,value=0.5,channel=hot",
  "sensor_open:start=600,channel=hot,end=700",
  "heater_overpower:start=300,severity=0.7",
] as const;
/** The run with lost lines: its seed and its fault. */
export const HASH_GAP_RUN = { seed: 9, fault: "pump_failure:start=1200,end=1300" } as const;
