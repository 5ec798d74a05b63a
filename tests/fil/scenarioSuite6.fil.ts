/**
 * The HIL suite on the firmware in simavr, shard 6 of {@link FIL_SCENARIO_SHARDS} (see
 * scenarioVerdicts.ts): every scenario must pass on --target fil with the same verdicts as on
 * --target emulator.
 */
import { describeScenarioShard, FIL_SCENARIO_SHARDS } from "./scenarioVerdicts.js";

describeScenarioShard(5, FIL_SCENARIO_SHARDS);
