/** Types of onlyListed.mjs (a plain module: Stryker loads its plugins without a compiler). */
import type { PluginKind } from "@stryker-mutator/api/plugin";

/** A file's listed places: [line, column] pairs, 1-based. */
export type PlaceList = Map<string, number[][]>;
interface BabelPosition {
  readonly line: number;
  readonly column: number;
}
export function readPlaceList(text: string, source?: string): PlaceList;
export function holdsNoPlace(places: readonly number[][], start: BabelPosition, end: BabelPosition): boolean;
export function onlyListedIgnorer(
  list: PlaceList | null,
  cwd?: string,
): { shouldIgnore(path: unknown): string | undefined };
export const strykerPlugins: readonly { readonly kind: PluginKind; readonly name: string }[];
