/**
 * Typed reading of a parsed YAML document with positions: every accessor names the field by its
 * path (`steps[2].inject.duty`) and its line, and throws an {@link InputFileError} with both when
 * the value is missing, of the wrong type, or out of range. Used by the scenario loader.
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node as YamlNode } from "yaml";
import { InputFileError, showValue } from "../core/errors.js";

/** One located value of the document. */
export class YamlField {
  readonly file: string;
  /** Dotted path from the root, e.g. `steps[2].inject`. */
  readonly path: string;
  /** The YAML node, or null where the key is absent. */
  readonly node: YamlNode | null;
  /** 1-based line of the value (of the parent where the key is absent). */
  readonly line: number;
  private readonly lc: LineCounter;

  constructor(file: string, path: string, node: YamlNode | null, line: number, lc: LineCounter) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.line = line;
    this.lc = lc;
  }

  static root(file: string, node: YamlNode | null, lc: LineCounter): YamlField {
    return new YamlField(file, "", node, lineOf(node, lc, 1), lc);
  }

  get present(): boolean {
    return this.node !== null && !(isScalar(this.node) && this.node.value === null);
  }

  /**
   * Throws an InputFileError naming this field, its line, the problem and the value (the field's
   * own unless given; `undefined` shows none).
   */
  fail(problem: string, ...value: [] | [unknown]): never {
    const v = value.length === 0 ? this.rawValue() : value[0];
    const shown = v === undefined ? "" : ` (got ${showValue(v)})`;
    const at = this.path === "" ? "" : `${this.path}: `;
    throw new InputFileError(this.file, `${at}${problem}${shown}`, { line: this.line });
  }

  /** The plain JS value (for messages). */
  rawValue(): unknown {
    if (this.node === null) return undefined;
    if (isScalar(this.node)) return this.node.value;
    return (this.node as { toJSON(): unknown }).toJSON();
  }

  isScalar(): boolean {
    return this.node !== null && isScalar(this.node);
  }

  isMap(): boolean {
    return this.node !== null && isMap(this.node);
  }

  isSeq(): boolean {
    return this.node !== null && isSeq(this.node);
  }

  /** The keys of a map (error if not a map). */
  keys(): string[] {
    const m = this.node;
    if (m === null || !isMap(m)) this.fail("must be a mapping (key: value)");
    return m.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key));
  }

  /** Refuses keys outside `allowed`, listing them. */
  allowKeys(allowed: readonly string[]): void {
    for (const k of this.keys()) {
      if (!allowed.includes(k))
        this.get(k).fail(`unknown key ${JSON.stringify(k)} (allowed: ${allowed.join(", ")})`, undefined);
    }
  }

  has(key: string): boolean {
    const m = this.node;
    if (m === null || !isMap(m)) return false;
    return m.items.some((p) => isScalar(p.key) && String(p.key.value) === key);
  }

  /** The value under `key` (absent: a field whose `present` is false). */
  get(key: string): YamlField {
    const m = this.node;
    const path = this.path === "" ? key : `${this.path}.${key}`;
    if (m === null || !isMap(m)) this.fail("must be a mapping (key: value)");
    for (const p of m.items) {
      if (isScalar(p.key) && String(p.key.value) === key) {
        const v = (p.value ?? null) as YamlNode | null;
        return new YamlField(
          this.file,
          path,
          v,
          lineOf(v ?? (p.key as YamlNode), this.lc, this.line),
          this.lc,
        );
      }
    }
    return new YamlField(this.file, path, null, this.line, this.lc);
  }

  /** The items of a sequence. */
  items(): YamlField[] {
    const s = this.node;
    if (s === null || !isSeq(s)) this.fail("must be a list");
    return s.items.map(
      (n, i) =>
        new YamlField(
          this.file,
          `${this.path}[${i}]`,
          (n ?? null) as YamlNode | null,
          lineOf(n as YamlNode, this.lc, this.line),
          this.lc,
        ),
    );
  }

  required(): this {
    if (!this.present) this.fail("is required", undefined);
    return this;
  }

  string(): string {
    this.required();
    const v = this.rawValue();
    if (!this.isScalar() || typeof v !== "string") this.fail("must be text");
    return v as string;
  }

  /** A string, or a number written as text (names like `3` are strings). */
  text(): string {
    this.required();
    const v = this.rawValue();
    if (!this.isScalar() || (typeof v !== "string" && typeof v !== "number")) this.fail("must be text");
    return String(v);
  }

  number(rule: { min?: number; max?: number; integer?: boolean; minExclusive?: boolean } = {}): number {
    this.required();
    const v = this.rawValue();
    if (!this.isScalar() || typeof v !== "number" || !Number.isFinite(v))
      this.fail("must be a finite number");
    const x = v as number;
    if (rule.integer && !Number.isInteger(x)) this.fail("must be a whole number");
    if (rule.min !== undefined && (rule.minExclusive ? !(x > rule.min) : !(x >= rule.min)))
      this.fail(`must be ${rule.minExclusive ? ">" : ">="} ${rule.min}`);
    if (rule.max !== undefined && !(x <= rule.max)) this.fail(`must be <= ${rule.max}`);
    return x;
  }

  boolean(): boolean {
    this.required();
    const v = this.rawValue();
    if (!this.isScalar() || typeof v !== "boolean") this.fail("must be true or false");
    return v as boolean;
  }

  /** One of `list`. */
  oneOf<T extends string>(list: readonly T[]): T {
    const s = this.text();
    if (!(list as readonly string[]).includes(s)) this.fail(`must be one of ${list.join(", ")}`);
    return s as T;
  }

  /**
   * A duration in seconds: a number (seconds) or text with a unit, `500 ms`, `90 s`, `2 min`, `1 h`.
   */
  seconds(rule: { min?: number; max?: number; minExclusive?: boolean } = {}): number {
    this.required();
    const v = this.rawValue();
    let s: number;
    if (typeof v === "number") s = v;
    else if (typeof v === "string") {
      const parsed = parseDurationS(v);
      if (parsed === undefined) this.fail("must be a duration: seconds, or a number with ms, s, min or h");
      s = parsed;
    } else this.fail("must be a duration: seconds, or a number with ms, s, min or h");
    if (!Number.isFinite(s)) this.fail("must be finite");
    if (rule.min !== undefined && (rule.minExclusive ? !(s > rule.min) : !(s >= rule.min)))
      this.fail(`must be ${rule.minExclusive ? ">" : ">="} ${rule.min} s`);
    if (rule.max !== undefined && !(s <= rule.max)) this.fail(`must be <= ${rule.max} s`);
    return s;
  }
}

const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|min|h)?\s*$/;
const UNIT_S: Readonly<Record<string, number>> = { ms: 0.001, s: 1, min: 60, h: 3600 };

/** `90`, `90 s`, `1.5 min`, `500 ms`, `2 h` to seconds; undefined when it is not a duration. */
export function parseDurationS(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * (UNIT_S[m[2] ?? "s"] ?? 1);
}

function lineOf(node: YamlNode | null | undefined, lc: LineCounter, fallback: number): number {
  const off = node?.range?.[0];
  if (off === undefined) return fallback;
  const { line } = lc.linePos(off);
  return line > 0 ? line : fallback;
}
