/**
 * Builds tests/fixtures/protocol/capture-basic.bin: a raw serial capture of a short session, line by
 * line, with every count known by construction (`expected`). The replay test checks the committed
 * file is exactly this, and that `replay --raw --summary --json` reports these counts.
 */
import { formatDeviceMessage, withCrc } from "../../src/protocol/format.js";
import type { DeviceMessage, TlmMessage } from "../../src/protocol/messages.js";

export const CAPTURE_BASIC_PATH = new URL("../fixtures/protocol/capture-basic.bin", import.meta.url);

const hello: DeviceMessage = {
  type: "HELLO",
  major: 1,
  minor: 0,
  fwName: "looptwin-fw",
  fwVersion: "0.1.0",
  board: "uno",
  uid: "5EEDC0DE",
};

function tlm(seq: number, tMs: number, pulses: number): TlmMessage {
  return {
    type: "TLM",
    seq,
    tMs,
    adcHot: 1480 - (seq % 7),
    adcCold: 1900 + (seq % 5),
    adcAmb: 2048,
    pulses,
    pumpDuty: 200,
    heaterDuty: 255,
    fanDuty: 180,
    flags: 0,
  };
}

export interface Capture {
  readonly bytes: Uint8Array;
  readonly expected: Readonly<Record<string, number>>;
}

/**
 * A session at 10 Hz: it starts mid-line, boots, streams TLM with three lines lost (one of them
 * corrupted on the wire), answers two commands, logs a debug line of an unknown type, carries a
 * trailing field from a newer firmware, catches 200 bytes of line noise, reboots from the
 * watchdog, reports a heartbeat loss and is cut off mid-line. CRLF line ends, as Serial.println.
 */
export function buildCaptureBasic(): Capture {
  const lines: string[] = [];
  const full = formatDeviceMessage(tlm(7, 700, 49));
  lines.push(full.slice(full.length - 20)); // the capture started mid-line: a CRC error
  lines.push(formatDeviceMessage(hello));
  lines.push(formatDeviceMessage({ type: "EVT", event: { code: "BOOT", resetCause: "POWERON" } }));
  let pulses = 4294967000; // the pulse counter wraps during the session
  for (let seq = 0; seq < 50; seq++) {
    pulses = (pulses + 13) % 4294967296;
    if (seq === 10 || seq === 11) continue; // lost on the link: gap 1, 2 samples
    let line = formatDeviceMessage(tlm(seq, 100 * seq, pulses));
    if (seq === 30) line = line.replace(",255,", ",254,"); // corrupted: CRC error, gap 2, 1 sample
    if (seq === 40) line = withCrc(`${line.slice(0, line.indexOf("*"))},42`); // a newer firmware's field
    lines.push(line);
    if (seq === 20) lines.push(formatDeviceMessage({ type: "ACK", id: 1 }));
    if (seq === 21) lines.push(formatDeviceMessage({ type: "NAK", id: 2, reason: "range:duty" }));
    if (seq === 25) lines.push(withCrc("DBG,free_ram=812"));
  }
  lines.push(
    String.fromCharCode(
      ...Array.from({ length: 200 }, (_, i) => (i * 37 + 11) % 256).filter((b) => b !== 10),
    ),
  );
  lines.push(formatDeviceMessage(hello));
  lines.push(formatDeviceMessage({ type: "EVT", event: { code: "BOOT", resetCause: "WDT" } }));
  for (let seq = 0; seq < 10; seq++) lines.push(formatDeviceMessage(tlm(seq, 4 + 100 * seq, 3 * seq)));
  lines.push(formatDeviceMessage({ type: "EVT", event: { code: "HB_LOST", sinceCommandMs: 3001 } }));
  const text = `${lines.map((l) => `${l}\r\n`).join("")}TLM,10,1004`;
  return {
    bytes: Uint8Array.from(text, (c) => c.charCodeAt(0)),
    expected: {
      lines: 1 + 2 + 48 + 3 + 1 + 2 + 10 + 1,
      samples: 47 + 10,
      crc_errors: 2,
      malformed: 1,
      too_long: 1,
      bad_field: 0,
      unknown: 1,
      unknown_fields: 1,
      seq_gaps: 2,
      lost_samples: 3,
      seq_out_of_order: 0,
      reboots: 1,
      hello: 2,
      ack: 1,
      nak: 1,
      evt: 3,
      // 0.0 s .. 4.9 s, then 0.004 s .. 0.904 s after the reboot
      device_time_ms: 4900 + 900,
      // 49 steps of 13 pulses (across the uint32 wrap), then 9 steps of 3
      flow_pulses: 49 * 13 + 9 * 3,
      truncated_tail_bytes: "TLM,10,1004".length,
      bytes: text.length,
    },
  };
}
