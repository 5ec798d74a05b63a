/** Types of liveSurvivors.mjs (a plain module: Stryker loads its plugins without a compiler). */
import type { PluginKind } from "@stryker-mutator/api/plugin";

export const PARTIAL_EVERY: number;
export function reportMutant(r: unknown): unknown;
export function addToPartial(files: Record<string, unknown>, r: unknown, cwd: string): void;
export const strykerPlugins: readonly { readonly kind: PluginKind; readonly name: string }[];
