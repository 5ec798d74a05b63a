/**
 * The Web Serial page's host conversation (web/src/rigConversation.ts) against a hand-written
 * device on a virtual clock: what goes on the wire and when (handshake, retries, heartbeat), what
 * comes back (samples only after the handshake, whatever the chunking).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import type { HostCommand } from "../../src/protocol/messages.js";
import { parseCommandLine } from "../../src/protocol/parse.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";
import { RigConversation } from "../../web/src/rigConversation.js";

const enc = new TextEncoder();
const HELLO_1 = `${withCrc("HELLO,1.0,looptwin-fw,1.2.0,uno,0A1B2C3D")}\n`;

/** A conversation whose every written line is parsed and kept with its virtual time. */
function rig(overrides: Partial<ConstructorParameters<typeof RigConversation>[0]> = {}) {
  const clock = new VirtualScheduler();
  const sent: { atMs: number; cmd: HostCommand; line: string }[] = [];
  const samples: { seq: number; tS: number; pumpDuty: number; heaterDuty: number; fanDuty: number }[] = [];
  const conv = new RigConversation(
    {
      write: (line) => {
        expect(line.endsWith("\n")).toBe(true);
        const r = parseCommandLine(line.slice(0, -1));
        if (!r.ok) throw new Error(`unparseable command ${JSON.stringify(line)}`);
        sent.push({ atMs: clock.nowMs(), cmd: r.value, line });
      },
      scheduler: clock,
      portName: "test port",
      ...overrides,
    },
    {
      onSample: (s) =>
        samples.push({
          seq: s.seq,
          tS: s.tS,
          pumpDuty: s.pumpDuty,
          heaterDuty: s.heaterDuty,
          fanDuty: s.fanDuty,
        }),
    },
  );
  const device = (text: string): void => conv.push(enc.encode(text));
  return { clock, sent, samples, conv, device };
}

function tlm(seq: number, tMs: number, pump: number, heater: number, fan: number): string {
  return `${withCrc(`TLM,${seq},${tMs},2000,1900,2100,${seq * 3},${pump},${heater},${fan},0`)}\n`;
}

describe("RigConversation handshake", () => {
  it("waits 1.5 s for a boot HELLO, then asks with INFO, a fresh id every 500 ms", async () => {
    const { clock, sent, conv, device } = rig();
    const hello = conv.handshake();
    clock.advanceTo(1499);
    expect(sent).toEqual([]);
    clock.advanceTo(2600);
    expect(sent.map((s) => [s.atMs, s.cmd.type, s.cmd.id])).toEqual([
      [1500, "INFO", 1],
      [2000, "INFO", 2],
      [2500, "INFO", 3],
    ]);
    device(HELLO_1);
    const h = await hello;
    expect([h.fwName, h.fwVersion, h.board, h.uid, h.major]).toEqual([
      "looptwin-fw",
      "1.2.0",
      "uno",
      "0A1B2C3D",
      1,
    ]);
    expect(conv.hello).toBe(h);
  });

  it("takes a boot HELLO without asking, then PINGs every 500 ms", async () => {
    const { clock, sent, conv, device } = rig();
    const hello = conv.handshake();
    clock.advanceTo(300);
    device(HELLO_1);
    await hello;
    clock.advanceTo(2300);
    expect(sent.map((s) => [s.atMs, s.cmd.type])).toEqual([
      [800, "PING"],
      [1300, "PING"],
      [1800, "PING"],
      [2300, "PING"],
    ]);
  });

  it("gives up after 5 s naming the port, and stops asking", async () => {
    const { clock, sent, conv } = rig();
    const hello = conv.handshake();
    const failed = expect(hello).rejects.toThrow(/^test port: no HELLO from the device within 5000 ms/);
    clock.advanceTo(5000);
    await failed;
    const n = sent.length;
    clock.advanceTo(10_000);
    expect(sent.length).toBe(n);
  });

  it("refuses another major protocol version and sends nothing more", async () => {
    const { clock, sent, conv, device } = rig();
    const hello = conv.handshake();
    device(`${withCrc("HELLO,2.0,looptwin-fw,2.0.0,uno,0A1B2C3D")}\n`);
    await expect(hello).rejects.toThrow(/2\.0/);
    clock.advanceTo(5000);
    expect(sent).toEqual([]);
    expect(conv.hello).toBeNull();
  });
});

describe("RigConversation commands", () => {
  async function connected() {
    // A slow heartbeat, out of the way of the commands under test.
    const r = rig({ pingIntervalMs: 10_000 });
    const hello = r.conv.handshake();
    r.device(HELLO_1);
    await hello;
    return r;
  }

  it("resolves on ACK, rejects on NAK with its reason", async () => {
    const { sent, conv, device } = await connected();
    const ok = conv.send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
    expect(sent.at(-1)?.line).toBe(`${withCrc("PWM,1,pump,200")}\n`);
    device(`${withCrc("ACK,1")}\n`);
    await ok;
    const refused = conv.send({ type: "PWM", channel: "heater", duty: 255, holdMs: 3000 });
    expect(sent.at(-1)?.line).toBe(`${withCrc("PWM,2,heater,255,3000")}\n`);
    device(`${withCrc("NAK,2,interlock")}\n`);
    await expect(refused).rejects.toThrow("device refused PWM (id 2): NAK interlock");
    expect(conv.naks).toBe(1);
  });

  it("resends an unanswered command 3 times with the same id, then times out", async () => {
    const { clock, sent, conv } = await connected();
    const p = conv.send({ type: "RATE", rateHz: 10 });
    const failed = expect(p).rejects.toThrow("no answer to RATE (id 1) after 4 attempts of 500 ms");
    clock.advanceTo(2000);
    await failed;
    expect(sent.filter((s) => s.cmd.type === "RATE").map((s) => [s.atMs, s.cmd.id])).toEqual([
      [0, 1],
      [500, 1],
      [1000, 1],
      [1500, 1],
    ]);
    expect(conv.timeouts).toBe(1);
  });

  it("writes SAFE with a fresh id and its newline; after stop, nothing more", async () => {
    const { clock, sent, conv } = await connected();
    const pending = conv.send({ type: "PWM", channel: "fan", duty: 100, holdMs: null });
    const safe = conv.safeLine();
    expect(safe).toBe(`${withCrc("SAFE,2")}\n`);
    conv.stop();
    await expect(pending).rejects.toThrow(/link was closed/);
    const n = sent.length;
    clock.advanceTo(10_000);
    expect(sent.length).toBe(n);
  });
});

describe("RigConversation telemetry", () => {
  it("ignores telemetry before the handshake and converts it after", async () => {
    const { samples, conv, device } = rig();
    const hello = conv.handshake();
    device(tlm(1, 1000, 255, 0, 255));
    device(HELLO_1);
    await hello;
    device(tlm(2, 1100, 200, 128, 64) + tlm(3, 1200, 0, 128, 64));
    expect(samples).toEqual([
      { seq: 2, tS: 1.1, pumpDuty: 200, heaterDuty: 128, fanDuty: 64 },
      { seq: 3, tS: 1.2, pumpDuty: 0, heaterDuty: 128, fanDuty: 64 },
    ]);
    expect(conv.summary().samples).toBe(3);
  });

  it("gives the same samples however the bytes are cut, and counts a corrupted line", async () => {
    const lines = `${HELLO_1}${tlm(1, 100, 10, 20, 30)}${tlm(2, 200, 11, 21, 31)}TLM,3,bad*0000\n${tlm(4, 400, 13, 23, 33)}`;
    const bytes = enc.encode(lines);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: bytes.length }), { maxLength: 12 }),
        async (cuts) => {
          const { samples, conv } = rig();
          const hello = conv.handshake();
          const at = [...new Set(cuts)].sort((a, b) => a - b);
          let from = 0;
          for (const c of [...at, bytes.length]) {
            conv.push(bytes.subarray(from, c));
            from = c;
          }
          await hello;
          expect(samples.map((s) => s.seq)).toEqual([1, 2, 4]);
          expect(samples.map((s) => s.fanDuty)).toEqual([30, 31, 33]);
          expect(conv.summary().crc_errors + conv.summary().malformed).toBe(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
