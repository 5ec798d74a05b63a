// Preloaded with `node --import` (tests/cli/startup.test.ts, bench/startup.bench.ts): records every
// module the process loads, one path or URL a line, in the file named by LOOPTWIN_LOADED_MODULES.
// ES modules are seen by a load hook (runs on the loader thread); CommonJS modules required from
// inside packages (blessed's widgets, serialport's bindings) are read from the require cache at exit.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const out = process.env.LOOPTWIN_LOADED_MODULES;
if (out) {
  register(new URL("./loadedModulesHooks.mjs", import.meta.url), { data: { out } });
  process.on("exit", () => {
    const cached = Object.keys(Module._cache);
    if (cached.length > 0) appendFileSync(out, `${cached.join("\n")}\n`);
  });
}
