// Preloaded by tests/cli/youngGeneration.test.ts (NODE_OPTIONS=--import): writes the V8 and Node
// options the process was started with, and the V8 flags it set at run time
// (v8.setFlagsFromString), to $LOOPTWIN_EXEC_ARGV as { execArgv, runtimeFlags }.

import { writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import v8 from "node:v8";

const runtimeFlags = [];
const write = () =>
  writeFileSync(process.env.LOOPTWIN_EXEC_ARGV, JSON.stringify({ execArgv: process.execArgv, runtimeFlags }));
const setFlagsFromString = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  runtimeFlags.push(flags);
  write();
  setFlagsFromString(flags);
};
// `import { setFlagsFromString } from "node:v8"` in the bin sees the wrapper only after this.
syncBuiltinESMExports();
write();
