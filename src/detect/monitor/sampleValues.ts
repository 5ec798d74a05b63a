/**
 * This sample's values as the monitor's parts read them: written once per sample by the monitor,
 * read by its parts (twins, pump-versus-meter evidence, isolation residuals, alignment, thermistor
 * checks, ambient filter, gaps) through a reference they keep. Passing doubles as arguments to a call the
 * optimising compiler does not inline boxes each one (an allocation per value per sample); fields
 * of one long-lived object are read in place.
 */
export class SampleValues {
  /** Rig time [s] and the spacing from the last sample [s] (NaN: first). */
  tS = Number.NaN;
  dtS = Number.NaN;
  /** The gap before this sample [s] (0: none). */
  gapS = 0;
  /** Raw residuals of twin (a) (intended flow) and twin (b) (measured flow) [K]. */
  aHotK = Number.NaN;
  aColdK = Number.NaN;
  bHotK = Number.NaN;
  bColdK = Number.NaN;
  /** Readings [C] (NaN: none) and their raw counts. */
  hotC = Number.NaN;
  coldC = Number.NaN;
  adcHot = Number.NaN;
  adcCold = Number.NaN;
  /** Ambient probe [C] (NaN: none) and its raw counts (-1: TLM's empty field, no probe). */
  tAmbC = Number.NaN;
  adcAmb = Number.NaN;
  /** Measured flow [L/min] (NaN: none) and the device's cumulative pulse count. */
  flowLpm = Number.NaN;
  pulses = Number.NaN;
  /** Flow residual [L/min] and the flow family's score. */
  resFlowLpm = Number.NaN;
  flowScore = Number.NaN;
}
