/**
 * The HIL suite on the firmware in simavr, shard 2 of 2 (see scenarioVerdicts.ts): every scenario
 * must pass on --target fil with the same verdicts as on --target emulator.
 */
import { describeScenarioShard } from "./scenarioVerdicts.js";

describeScenarioShard(1, 2);
