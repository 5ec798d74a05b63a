/** Wire protocol v1 (docs/design.md 4): the public API of `src/protocol`. */
export * from "./crc16.js";
export * from "./deviceStream.js";
export * from "./format.js";
export * from "./lineError.js";
export * from "./lineFramer.js";
export * from "./messages.js";
export * from "./parse.js";
export * from "./streamStats.js";
export * from "./version.js";
