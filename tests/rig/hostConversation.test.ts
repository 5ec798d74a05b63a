/**
 * The host's request/answer conversation (src/rig/source/hostConversation.ts), the one the serial
 * source and the Web Serial page share, on a virtual clock with a hand-driven device: what is
 * written and when, what the observer (the recording) is told, how commands end (ACK, NAK,
 * timeout, abort, cancel), stray answers, and the handshake's INFO asks.
 */
import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import type { HelloMessage } from "../../src/protocol/messages.js";
import { parseCommandLine } from "../../src/protocol/parse.js";
import { type CommandResult, HostConversation } from "../../src/rig/source/hostConversation.js";
import { VirtualScheduler } from "../../src/rig/source/scheduler.js";

const HELLO: HelloMessage = {
  type: "HELLO",
  major: 1,
  minor: 0,
  fwName: "looptwin-fw",
  fwVersion: "1.2.0",
  board: "uno",
  uid: "0A1B2C3D",
};

function conversation(options: { commandName?: "line" | "type"; pingIntervalMs?: number } = {}) {
  const clock = new VirtualScheduler();
  const written: { atMs: number; line: string }[] = [];
  const transmits: [number, string, number][] = [];
  const settled: [number, CommandResult, number, string | undefined][] = [];
  const conv = new HostConversation(
    {
      scheduler: clock,
      write: (line) => written.push({ atMs: clock.nowMs(), line }),
      ackTimeoutMs: 500,
      retries: 2,
      pingIntervalMs: options.pingIntervalMs ?? 0,
      ...(options.commandName === undefined ? {} : { commandName: options.commandName }),
    },
    {
      onTransmit: (id, line, attempt) => transmits.push([id, line, attempt]),
      onSettled: (id, result, rttMs, reason) => settled.push([id, result, rttMs, reason]),
    },
  );
  return { clock, written, transmits, settled, conv };
}

describe("HostConversation commands", () => {
  it("writes the line without a newline, resends it with the same id, and tells the observer each attempt and the end", async () => {
    const { clock, written, transmits, settled, conv } = conversation();
    const p = conv.send({ type: "PWM", channel: "pump", duty: 200, holdMs: null });
    const failed = expect(p).rejects.toThrow("no answer to PWM,1,pump,200 (id 1) after 3 attempts of 500 ms");
    clock.advanceTo(1500);
    await failed;
    const line = withCrc("PWM,1,pump,200");
    expect(written).toEqual([
      { atMs: 0, line },
      { atMs: 500, line },
      { atMs: 1000, line },
    ]);
    expect(transmits).toEqual([
      [1, line, 1],
      [1, line, 2],
      [1, line, 3],
    ]);
    expect(settled).toEqual([[1, "timeout", 1500, undefined]]);
    expect(conv.counts).toEqual({ sent: 1, retries: 2, acks: 0, naks: 0, timeouts: 1, stray: 0 });
  });

  it("names a command by its type when asked (the page's status bar)", async () => {
    const { conv } = conversation({ commandName: "type" });
    const p = conv.send({ type: "RATE", rateHz: 10 });
    conv.answer(1, "busy");
    await expect(p).rejects.toThrow("device refused RATE (id 1): NAK busy");
  });

  it("resolves on ACK with the round trip, counts a repeated answer as stray, and numbers the next command on", async () => {
    const { clock, settled, conv, written } = conversation();
    const p = conv.send({ type: "RATE", rateHz: 10 });
    clock.advanceTo(120);
    conv.answer(1, null);
    await p;
    conv.answer(1, null);
    const q = conv.send({ type: "SAFE" });
    expect(parseCommandLine(written.at(-1)?.line ?? "")).toMatchObject({
      ok: true,
      value: { type: "SAFE", id: 2 },
    });
    conv.answer(2, "interlock");
    await expect(q).rejects.toThrow("device refused SAFE,2 (id 2): NAK interlock");
    expect(settled).toEqual([
      [1, "ack", 120, undefined],
      [2, "nak", 0, "interlock"],
    ]);
    expect(conv.counts).toMatchObject({ sent: 2, acks: 1, naks: 1, stray: 1 });
  });

  it("refuses bad fields before writing anything", () => {
    const { written, conv } = conversation();
    expect(() => conv.send({ type: "PWM", channel: "pump", duty: 300, holdMs: null })).toThrow(/duty/);
    expect(written).toEqual([]);
  });

  it("abandons a command on its signal (cancelled, no more resends) and cancels the rest with the caller's error", async () => {
    const { clock, written, settled, conv } = conversation();
    const abort = new AbortController();
    const a = conv.send({ type: "RATE", rateHz: 5 }, abort.signal);
    const b = conv.send({ type: "PING" });
    abort.abort("operator");
    await expect(a).rejects.toMatchObject({ name: "AbortedError", cause: "operator" });
    conv.cancelAll("link lost", (what, id) => new Error(`${what}/${id} gone`));
    await expect(b).rejects.toThrow("PING,2/2 gone");
    clock.advanceTo(5000);
    expect(written).toHaveLength(2);
    expect(settled).toEqual([
      [1, "cancelled", 0, undefined],
      [2, "cancelled", 0, "link lost"],
    ]);
    const pre = new AbortController();
    pre.abort();
    await expect(conv.send({ type: "PING" }, pre.signal)).rejects.toThrow(/aborted/);
  });
});

describe("HostConversation handshake and heartbeat", () => {
  it("asks with INFO after the wait, a fresh id each ack timeout, and takes the HELLO offered", async () => {
    const { clock, written, conv } = conversation();
    expect(conv.offerHello(HELLO)).toBe(false);
    const hello = conv.awaitHello("/dev/ttyX", 1000, 5000);
    clock.advanceTo(2100);
    expect(written.map((w) => [w.atMs, w.line])).toEqual([
      [1000, withCrc("INFO,1")],
      [1500, withCrc("INFO,2")],
      [2000, withCrc("INFO,3")],
    ]);
    expect(conv.offerHello(HELLO)).toBe(true);
    expect(await hello).toBe(HELLO);
    clock.advanceTo(9000);
    expect(written).toHaveLength(3);
  });

  it("gives up naming where, fails on failHandshake, and aborts on its signal", async () => {
    const { clock, conv } = conversation();
    const timedOut = conv.awaitHello("/dev/ttyX", 0, 800);
    const t = expect(timedOut).rejects.toThrow(/^\/dev\/ttyX: no HELLO from the device within 800 ms/);
    clock.advanceTo(800);
    await t;
    const failed = conv.awaitHello("/dev/ttyX", 0, 800);
    conv.failHandshake(new Error("port closed"));
    await expect(failed).rejects.toThrow("port closed");
    const abort = new AbortController();
    const aborted = conv.awaitHello("/dev/ttyX", 0, 800, abort.signal);
    abort.abort();
    await expect(aborted).rejects.toThrow("handshake on /dev/ttyX: aborted");
  });

  it("PINGs every period once started, one attempt each, and stops", () => {
    const { clock, written, conv } = conversation({ pingIntervalMs: 400 });
    conv.startHeartbeat();
    clock.advanceTo(1300);
    expect(written.map((w) => [w.atMs, w.line])).toEqual([
      [400, withCrc("PING,1")],
      [800, withCrc("PING,2")],
      [1200, withCrc("PING,3")],
    ]);
    conv.stopHeartbeat();
    clock.advanceTo(5000);
    expect(written).toHaveLength(3);
    expect(conv.counts.retries).toBe(0);
    expect(conv.counts.timeouts).toBe(3);
  });
});
