// Preloaded by tests/cli/youngGeneration.test.ts (NODE_OPTIONS=--import): writes the V8 and Node
// options the process was started with to $LOOPTWIN_EXEC_ARGV.
import { writeFileSync } from "node:fs";

writeFileSync(process.env.LOOPTWIN_EXEC_ARGV, JSON.stringify(process.execArgv));
