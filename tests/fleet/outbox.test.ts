import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Outbox, type OutMessage } from "../../src/fleet/outbox.js";

const ev = (n: number, qos: 0 | 1, size = 10): OutMessage => ({
  topic: `t/${qos}`,
  payload: String(n).padStart(size, "0"),
  qos,
  retain: false,
});

function drain(o: Outbox): OutMessage[] {
  const out: OutMessage[] = [];
  for (let m = o.take(); m !== null; m = o.take()) out.push(m);
  return out;
}

describe("Outbox", () => {
  it("gives events back in the order they came, across QoS", () => {
    const o = new Outbox();
    const msgs = [ev(1, 0), ev(2, 1), ev(3, 0), ev(4, 1), ev(5, 1)];
    for (const m of msgs) o.push(m);
    expect(drain(o)).toEqual(msgs);
    expect(o.isEmpty).toBe(true);
  });

  it("at the message bound drops the oldest QoS 0 first, then the oldest QoS 1, and counts each", () => {
    const o = new Outbox({ maxMessages: 3 });
    o.push(ev(1, 1));
    o.push(ev(2, 0));
    o.push(ev(3, 0));
    o.push(ev(4, 1)); // drops 2 (oldest QoS 0)
    o.push(ev(5, 1)); // drops 3
    o.push(ev(6, 1)); // no QoS 0 left: drops 1
    expect(drain(o).map((m) => Number(m.payload))).toEqual([4, 5, 6]);
    expect(o.stats()).toMatchObject({ droppedQos0: 2, droppedQos1: 1 });
    expect(o.dropped).toBe(3);
  });

  it("holds at most maxBytes of events (payload and topic bytes)", () => {
    // Each message: 3-byte topic + 97-byte payload = 100 bytes; 1000 bytes hold 10.
    const o = new Outbox({ maxBytes: 1000 });
    for (let i = 0; i < 25; i++) o.push(ev(i, 0, 97));
    expect(o.stats()).toMatchObject({ queued: 10, queuedBytes: 1000, droppedQos0: 15 });
    expect(Number(drain(o)[0]!.payload)).toBe(15);
  });

  it("keeps only the latest payload of a state topic, sends state first, and again after resendState", () => {
    const o = new Outbox({ maxMessages: 1 });
    o.push(ev(1, 0));
    const s1 = { topic: "r/status", payload: "old", qos: 1 as const, retain: true };
    const s2 = { ...s1, payload: "new" };
    o.putState(s1);
    o.putState(s2);
    o.push(ev(2, 0)); // the event bound does not touch state
    expect(drain(o)).toEqual([s2, ev(2, 0)]);
    o.resendState();
    expect(drain(o)).toEqual([s2]);
  });

  it("a message given back is sent again first; a state payload replaced meanwhile is not", () => {
    const o = new Outbox();
    o.push(ev(1, 1));
    o.push(ev(2, 1));
    const first = o.take()!;
    o.giveBack(first);
    expect(drain(o)).toEqual([ev(1, 1), ev(2, 1)]);
    const s1 = { topic: "r/status", payload: "a", qos: 1 as const, retain: true };
    o.putState(s1);
    const taken = o.take()!;
    o.putState({ ...s1, payload: "b" });
    o.giveBack(taken);
    expect(drain(o).map((m) => m.payload)).toEqual(["b"]);
  });

  it("property: queued + dropped = pushed, and the bound always holds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.constantFrom<0 | 1>(0, 1), fc.integer({ min: 0, max: 40 })), { maxLength: 300 }),
        (max, ops) => {
          const o = new Outbox({ maxMessages: max, maxBytes: 2000 });
          ops.forEach(([qos, size], i) => {
            o.push(ev(i, qos, size));
            const s = o.stats();
            expect(s.queued).toBeLessThanOrEqual(max);
            expect(s.queuedBytes).toBeLessThanOrEqual(2000);
          });
          const s = o.stats();
          expect(s.queued + s.droppedQos0 + s.droppedQos1).toBe(ops.length);
          expect(drain(o).length).toBe(s.queued);
        },
      ),
    );
  });
});
