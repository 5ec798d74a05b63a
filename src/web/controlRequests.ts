/**
 * The JSON bodies of the control routes (docs/web.md "Control"), checked in one place: each
 * parser returns the request or throws a {@link BadRequest} whose message names the field and
 * the value, which the server answers with 400. Pure.
 */
import { isConfigError } from "../core/errors.js";
import { MONITOR_CAUSES } from "../detect/diagnosis/monitorDiagnosis.js";
import { LEARNED_CAUSE } from "../detect/learned/learnedBesideMonitor.js";
import { FAULT_MENU, type InjectionRequest } from "../session/injection.js";

/** A request the server answers with 400 and this one-line message. */
export class BadRequest extends Error {
  override readonly name = "BadRequest";
}

/** Parses a body as a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new BadRequest(`body: not valid JSON (${(e as Error).message.replace(/\s+/g, " ")})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new BadRequest(
      `body: expected a JSON object, got ${Array.isArray(v) ? "an array" : JSON.stringify(v)}`,
    );
  return v as Record<string, unknown>;
}

function refuseUnknown(body: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(body))
    if (!known.includes(k)) throw new BadRequest(`${k}: unknown field (expected ${known.join(", ")})`);
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** `POST /api/setpoints`: `{"pump_duty"?: 0-255, "heater_duty"?: 0-255, "fan_duty"?: 0-255}`. */
export interface SetpointsRequest {
  readonly pump?: number;
  readonly heater?: number;
  readonly fan?: number;
}

const SETPOINT_FIELDS = { pump_duty: "pump", heater_duty: "heater", fan_duty: "fan" } as const;

export function parseSetpointsRequest(body: Record<string, unknown>): SetpointsRequest {
  refuseUnknown(body, Object.keys(SETPOINT_FIELDS));
  const out: { pump?: number; heater?: number; fan?: number } = {};
  for (const [field, channel] of Object.entries(SETPOINT_FIELDS)) {
    const v = body[field];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 255)
      throw new BadRequest(`${field}: ${show(v)} is not a whole number 0-255`);
    out[channel] = v;
  }
  if (Object.keys(out).length === 0)
    throw new BadRequest("body: give at least one of pump_duty, heater_duty, fan_duty (0-255)");
  return out;
}

/** `POST /api/inject`: the injection, and the `/ws` connection it belongs to. */
export interface InjectRequest {
  readonly connection: string;
  readonly injection: InjectionRequest;
}

/** The menu entry that parses each physical kind's answer (the terminal dashboard's checks). */
const MENU_PARSER: Readonly<Record<string, (answer: string) => InjectionRequest>> = {
  pump_degradation: FAULT_MENU.find((m) => m.title === "pump degradation")!.parse,
  pump_failure: FAULT_MENU.find((m) => m.title === "pump failure")!.parse,
  fan_reduction: FAULT_MENU.find((m) => m.title.startsWith("fan reduction"))!.parse,
  emulator: FAULT_MENU.find((m) => m.title === "any fault spec")!.parse,
};

/** Per kind, the one field it takes (besides `kind` and `connection`). */
const KIND_FIELD = {
  pump_degradation: "percent",
  pump_failure: "duration_s",
  fan_reduction: "percent",
  emulator: "spec",
} as const;

/**
 * `{"connection": "<id from hello>", "kind": "pump_failure", "duration_s": 30}`, or kind
 * `pump_degradation`/`fan_reduction` with `percent` (1-100), or `emulator` with `spec` (a fault
 * spec). Values are checked exactly as the terminal dashboard's fault menu checks them.
 */
export function parseInjectRequest(body: Record<string, unknown>): InjectRequest {
  const kind = body.kind;
  if (typeof kind !== "string" || !(kind in KIND_FIELD))
    throw new BadRequest(`kind: ${show(kind)} is not one of ${Object.keys(KIND_FIELD).join(", ")}`);
  const field = KIND_FIELD[kind as keyof typeof KIND_FIELD];
  refuseUnknown(body, ["connection", "kind", field]);
  const connection = body.connection;
  if (typeof connection !== "string" || connection === "")
    throw new BadRequest(
      `connection: ${show(connection)}: give the connection_id of your /ws hello (the injection ends when that socket closes)`,
    );
  const value = body[field];
  const expectString = field === "spec";
  if (expectString ? typeof value !== "string" : typeof value !== "number")
    throw new BadRequest(
      `${field}: ${show(value)} is not a ${expectString ? "fault spec string" : "number"}`,
    );
  try {
    return { connection, injection: MENU_PARSER[kind]!(String(value)) };
  } catch (e) {
    if (isConfigError(e)) throw new BadRequest(e.message.replace(/\s+/g, " "));
    throw e;
  }
}

/** `POST /api/inject/end`: `{"id": <id of POST /api/inject's answer>}`. */
export function parseEndInjectionRequest(body: Record<string, unknown>): number {
  refuseUnknown(body, ["id"]);
  const id = body.id;
  if (typeof id !== "number" || !Number.isInteger(id) || id < 1)
    throw new BadRequest(`id: ${show(id)} is not an injection id (a whole number from POST /api/inject)`);
  return id;
}

/** The alarm causes an acknowledgement may name: the monitor's families and the learned detector. */
export const ACK_CAUSES: readonly string[] = [...MONITOR_CAUSES, LEARNED_CAUSE];

/**
 * `POST /api/alarms/ack`: `{}` acknowledges the newest open alarm (the terminal dashboard's `a`),
 * `{"cause": "flow"}` the open alarm of that cause (an alarm row's Acknowledge button).
 */
export function parseAckRequest(body: Record<string, unknown>): string | undefined {
  refuseUnknown(body, ["cause"]);
  const cause = body.cause;
  if (cause === undefined) return undefined;
  if (typeof cause !== "string" || !ACK_CAUSES.includes(cause))
    throw new BadRequest(`cause: ${show(cause)} is not an alarm cause (one of ${ACK_CAUSES.join(", ")})`);
  return cause;
}
