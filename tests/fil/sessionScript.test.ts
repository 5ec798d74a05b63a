import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import { compareRuns, eventKey } from "./differential.js";
import { matchPattern, parseSession, readSessions, recvBytes } from "./sessionScript.js";

describe("session patterns", () => {
  it("match literally and through each placeholder", () => {
    expect(matchPattern("ACK,1*{CRC}", withCrc("ACK,1"))).toBe(true);
    expect(matchPattern("ACK,1*{CRC}", "ACK,1*0000")).toBe(false);
    expect(matchPattern("TLM,{u},{90..110},x", "TLM,0,100,x")).toBe(true);
    expect(matchPattern("TLM,{u},{90..110},x", "TLM,0,111,x")).toBe(false);
    expect(matchPattern("TLM,{u},{90..110},x", "TLM,,100,x")).toBe(false);
    expect(matchPattern("HELLO,{*},{h}", "HELLO,looptwin-fw,00C0FFEE")).toBe(true);
    expect(matchPattern("HELLO,{*},{h}", "HELLO,,BEEF")).toBe(true);
    expect(matchPattern("HELLO,{*},{h}", "HELLO,a,b,BEEF")).toBe(false);
    expect(matchPattern("X,{h}", "X,12G")).toBe(false);
    expect(matchPattern("EVT,HB_LOST,{3000..3050}*{CRC}", withCrc("EVT,HB_LOST,3004"))).toBe(true);
    expect(matchPattern("EVT,HB_LOST,{3000..3050}*{CRC}", withCrc("EVT,HB_LOST,2999"))).toBe(false);
  });
});

describe("session recv lines", () => {
  it("get their CRC filled in, escapes decoded, and a newline", () => {
    expect(Buffer.from(recvBytes("PING,25*{CRC}\\r")).toString("latin1")).toBe(`${withCrc("PING,25")}\r\n`);
    expect(Buffer.from(recvBytes("PING,23*0000")).toString("latin1")).toBe("PING,23*0000\n");
    expect([...recvBytes("\\x00\\xFF\\x1B[2J")]).toEqual([0, 255, 27, 91, 50, 74, 10]);
    expect([...recvBytes("")]).toEqual([10]);
  });

  it("parse every shared session file", () => {
    const sessions = readSessions();
    expect(sessions.length).toBeGreaterThanOrEqual(12);
    for (const s of sessions) {
      expect(s.directives.length, s.name).toBeGreaterThan(2);
      expect(s.endMs, s.name).toBeGreaterThan(0);
    }
    const s = parseSession(
      "x.txt",
      "boot WDT\nat 100 sensors hot=5 pulses=7\nexpect-tlm-count 0 1000 9 10\n",
    );
    expect(s.directives).toEqual([
      { kind: "boot", lineNo: 1, cause: "WDT" },
      { kind: "sensors", lineNo: 2, tMs: 100, values: { hot: 5, pulses: 7 } },
      { kind: "expect-tlm-count", lineNo: 3, fromMs: 0, toMs: 1000, min: 9, max: 10 },
    ]);
    expect(() => parseSession("y.txt", "at x\n")).toThrow(/y.txt:1/);
  });
});

describe("differential comparison", () => {
  const opts = {
    eventTolMs: 10,
    timeTolMs: 3,
    inputTimesMs: [],
    settleMs: 20,
    comparePulses: () => true,
    fullScaleCounts: 4092,
  };
  const run = (lines: [number, string][]) => lines.map(([tMs, body]) => ({ tMs, line: withCrc(body) }));
  const base: [number, string][] = [
    [1, "HELLO,1.0,looptwin-emu,0.1.0,emu,00C0FFEE"],
    [2, "EVT,BOOT,POWERON"],
    [100, "TLM,0,100,2048,2048,2048,0,0,0,0,0"],
    [150, "ACK,1"],
    [200, "TLM,1,200,2048,2048,2048,0,200,0,0,0"],
    [3150, "EVT,HB_LOST,3000"],
  ];

  it("finds none between runs that differ only in identity and within the tolerances", () => {
    const other = base.map(([t, b]): [number, string] => [
      t + 2,
      b.replace("looptwin-emu,0.1.0,emu,00C0FFEE", "looptwin-fw,0.1.0,uno,0000BEEF").replace("3000", "3002"),
    ]);
    expect(compareRuns("a", run(base), "b", run(other), opts)).toEqual([]);
    expect(eventKey(withCrc("HELLO,1.0,x,y,z,1"))).toBe("HELLO,1.0");
  });

  it("reports a changed answer once, a missing line, a late line and a TLM field", () => {
    const other = base.map(([t, b]): [number, string] => [t, b]);
    other[3] = [150, "NAK,1,interlock"];
    other[4] = [200, "TLM,1,200,2048,2048,2048,0,201,0,0,0"];
    other[5] = [3170, "EVT,HB_LOST,3000"];
    other.splice(1, 1);
    expect(compareRuns("a", run(base), "b", run(other), opts)).toEqual([
      "event EVT,HB_LOST,3000: a at 3150 ms, b at 3170 ms",
      "event: only a wrote EVT,BOOT,POWERON (2 ms)",
      "event: only a wrote ACK,1 (150 ms)",
      "event: only b wrote NAK,1,interlock (150 ms)",
      "TLM at t_ms 200: pump_duty a 200, b 201",
    ]);
  });

  it("accepts two lines written within the tolerance in either order, not further apart", () => {
    const a = run([
      [5000, "EVT,HOLD_EXPIRED,fan"],
      [5000, "ACK,9"],
    ]);
    expect(
      compareRuns(
        "a",
        a,
        "b",
        run([
          [5001, "ACK,9"],
          [5002, "EVT,HOLD_EXPIRED,fan"],
        ]),
        opts,
      ),
    ).toEqual([]);
    expect(
      compareRuns(
        "a",
        a,
        "b",
        run([
          [5001, "ACK,9"],
          [5030, "EVT,HOLD_EXPIRED,fan"],
        ]),
        opts,
      ),
    ).toEqual([
      "event: only a wrote EVT,HOLD_EXPIRED,fan (5000 ms)",
      "event: only b wrote EVT,HOLD_EXPIRED,fan (5030 ms)",
    ]);
  });
});
