import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withCrc } from "../../src/protocol/format.js";
import { FilLinkBridge } from "../../src/rig/fil/filBridge.js";

const enc = (s: string): Uint8Array => Buffer.from(s, "latin1");
const text = (b: Uint8Array | Buffer | null): string => (b === null ? "" : Buffer.from(b).toString("latin1"));

function bridge(onEmu: (spec: string) => string = () => "", interceptEmu = true): FilLinkBridge {
  return new FilLinkBridge({ seed: 7, interceptEmu, onEmu });
}

describe("FIL link bridge: host to firmware", () => {
  it("passes every byte through unchanged and in order, however the stream is chunked", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat({ max: 600 }), { maxLength: 8 }),
        (bytes, cuts) => {
          // No line of this stream may be an EMU line (those are the bridge's to answer).
          fc.pre(!/(^|\n)EMU,/.test(text(bytes)));
          const b = bridge();
          const input = Uint8Array.from([...bytes, 10]);
          const points = [...new Set(cuts.map((c) => Math.min(c, input.length)))].sort((x, y) => x - y);
          const out: number[] = [];
          const answers: string[] = [];
          let at = 0;
          for (const p of [...points, input.length]) {
            out.push(...b.fromHost(input.subarray(at, p), answers));
            at = p;
          }
          expect(Uint8Array.from(out)).toEqual(input);
          expect(answers).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers a CRC-valid EMU line itself (ACK), applies it once, and forwards nothing of it", () => {
    const applied: string[] = [];
    const b = bridge((spec) => {
      applied.push(spec);
      return "";
    });
    const answers: string[] = [];
    const line = `${withCrc("EMU,7,sensor_open:channel=hot,start=2")}\n`;
    const fwd = b.fromHost(enc(`${withCrc("PING,6")}\n${line}${withCrc("PING,8")}\n`), answers);
    expect(text(fwd)).toBe(`${withCrc("PING,6")}\n${withCrc("PING,8")}\n`);
    expect(applied).toEqual(["sensor_open:channel=hot,start=2"]);
    expect(answers).toEqual([`${withCrc("ACK,7")}\n`]);
    // The host retries (lost ACK): answered again, not applied again.
    b.fromHost(enc(line), answers);
    expect(applied).toHaveLength(1);
    expect(answers[1]).toBe(`${withCrc("ACK,7")}\n`);
    // The same id with another spec is a new command.
    b.fromHost(enc(`${withCrc("EMU,7,clear")}\r\n`), answers);
    expect(applied).toEqual(["sensor_open:channel=hot,start=2", "clear"]);
    expect(b.stats.emuLines).toBe(3);
  });

  it("answers NAK with the reason the plant gives; a bad CRC goes to the firmware (which drops it)", () => {
    const b = bridge(() => "syntax");
    const answers: string[] = [];
    expect(text(b.fromHost(enc(`${withCrc("EMU,9,no_such_fault")}\n`), answers))).toBe("");
    expect(answers).toEqual([`${withCrc("NAK,9,syntax")}\n`]);
    const bad = "EMU,10,pump_failure*0000\n";
    expect(text(b.fromHost(enc(bad), answers))).toBe(bad);
    expect(answers).toHaveLength(1);
  });

  it("without interception EMU reaches the firmware like any other line", () => {
    const b = bridge(() => "", false);
    const answers: string[] = [];
    const line = `${withCrc("EMU,3,pump_failure")}\n`;
    expect(text(b.fromHost(enc(line), answers))).toBe(line);
    expect(answers).toEqual([]);
  });

  it("an overlong line passes through untouched up to its newline", () => {
    const b = bridge();
    const answers: string[] = [];
    const long = `EMU,${"x".repeat(300)}`;
    expect(text(b.fromHost(enc(long), answers)) + text(b.fromHost(enc("\nPING"), answers))).toBe(`${long}\n`);
    expect(text(b.fromHost(enc(",1*F692\n"), answers))).toBe("PING,1*F692\n");
  });

  it("loses every byte while the link is down, both ways, and counts them", () => {
    const b = bridge();
    b.linkUp = false;
    expect(b.fromHost(enc("PING,1*F692\n"), []).length).toBe(0);
    expect(b.toHost(Buffer.from("ACK,1*D7D0\n"))).toBeNull();
    expect(b.stats.bytesLostWhileDown).toBe(23);
    b.linkUp = true;
    expect(text(b.fromHost(enc("PING,1*F692\n"), []))).toBe("PING,1*F692\n");
  });
});

describe("FIL link bridge: firmware to host", () => {
  const lines = Array.from(
    { length: 4000 },
    (_, i) => `${withCrc(`TLM,${i},${i * 100},2048,2048,2048,0,0,0,0,0`)}\n`,
  );

  it("is the identity without faults", () => {
    const b = bridge();
    expect(text(b.toHost(Buffer.from("TLM,1,100,2048"))) + text(b.toHost(Buffer.from(",x\n")))).toBe(
      "TLM,1,100,2048,x\n",
    );
  });

  it("drops whole lines at the drop rate, also lines split across chunks", () => {
    const b = bridge();
    b.dropRate = 0.25;
    const all = lines.join("");
    let out = "";
    for (let i = 0; i < all.length; i += 37)
      out += text(b.toHost(Buffer.from(all.slice(i, i + 37), "latin1")));
    const kept = out.split("\n").filter((l) => l !== "");
    // Every kept line is whole and in order.
    let k = 0;
    for (const l of kept) {
      while (k < lines.length && lines[k] !== `${l}\n`) k++;
      expect(k).toBeLessThan(lines.length);
      k++;
    }
    const dropped = lines.length - kept.length;
    expect(b.stats.linesDropped).toBe(dropped);
    // Binomial(4000, 0.25): mean 1000, sd 27.4; 5 sd.
    expect(Math.abs(dropped - 1000)).toBeLessThan(137);
  });

  it("flips exactly one bit of each corrupted byte, at the corruption rate", () => {
    const b = bridge();
    b.corruptRate = 0.02;
    const input = Buffer.from(lines.join(""), "latin1");
    const out = b.toHost(input) as Buffer;
    expect(out.length).toBe(input.length);
    let flipped = 0;
    for (let i = 0; i < input.length; i++) {
      const x = (input[i] as number) ^ (out[i] as number);
      if (x !== 0) {
        flipped++;
        expect(x & (x - 1)).toBe(0);
      }
    }
    expect(flipped).toBe(b.stats.bytesCorrupted);
    const n = input.length;
    const sd = Math.sqrt(n * 0.02 * 0.98);
    expect(Math.abs(flipped - n * 0.02)).toBeLessThan(5 * sd);
  });
});
