/**
 * The fleet bench's rigs (bench/fleet.bench.ts), in a process of their own: N light publishers,
 * each a real {@link SessionPublisher} (the one `dashboard --mqtt` uses, with its own MQTT
 * connection, Last Will, batching and queue) fed a synthetic 10 Hz sample instead of an emulated
 * plant and monitor (the plant would cost the bench machine's CPU, not the broker's or the
 * view's), an alarm raised or cleared every 2 s (QoS 1) and the loop figures once a second.
 *
 * Usage: node --import tsx bench/fleetRigs.ts PORT RIGS SECONDS USER PASSWORD
 * Prints one JSON line: alarm events published per rig and the queue's drops.
 */
import type { AlarmEvent } from "../src/detect/alarms/alarmManager.js";
import { createMonitorOutput, NO_PERFORMANCE } from "../src/detect/monitor/monitorTypes.js";
import { brokerConfig } from "../src/fleet/brokerConfig.js";
import { SessionPublisher } from "../src/fleet/sessionPublisher.js";
import { createRigSample } from "../src/model/rigSample.js";

const [portText, rigsText, secondsText, user, password] = process.argv.slice(2);
const rigs = Number(rigsText);
const seconds = Number(secondsText);
const broker = brokerConfig({
  option: "--mqtt",
  url: `mqtt://${user}@127.0.0.1:${portText}`,
  password: password ?? "",
});

const publishers: SessionPublisher[] = [];
for (let i = 0; i < rigs; i++) {
  const p = new SessionPublisher({
    broker,
    rig: `bench-${String(i + 1).padStart(3, "0")}`,
    command: "bench",
  });
  p.setStatus({ source: "bench", link: "CONNECTED", firmware: "bench 1", uid: `B${i}` });
  publishers.push(p);
  // Rigs in a lab are separate machines whose batch timers are not in step; started in one loop
  // here they would all flush in the same millisecond. Spread them over one batch period.
  await new Promise((r) => setTimeout(r, 100 / rigs));
}
const sample = createRigSample();
const out = createMonitorOutput();
const alarmsSent = new Array<number>(rigs).fill(0);
let tick = 0;
const t0 = Date.now();
const timer = setInterval(() => {
  tick++;
  const tS = tick / 10;
  for (let i = 0; i < rigs; i++) {
    sample.tS = tS;
    sample.tHotC = 30 + Math.sin(tS / 10 + i);
    sample.tColdC = 26 + 0.5 * Math.sin(tS / 10 + i);
    sample.flowLpm = 3.8;
    sample.pumpDuty = 200;
    sample.heaterDuty = 255;
    sample.fanDuty = 255;
    out.predTHotC = 30;
    out.predTColdC = 26;
    out.predFlowLpm = 3.85;
    publishers[i]!.sample(sample, out);
    publishers[i]!.performance(tS, NO_PERFORMANCE);
    // Every 2 s (staggered across rigs) one alarm event: raised, then cleared.
    if ((tick + i) % 20 === 0) {
      const n = ++alarmsSent[i]!;
      const e: AlarmEvent = {
        type: "raised",
        alarmId: n,
        tS,
        cause: "flow",
        severity: "critical",
        level: 2,
        diagnosis: "pump failure",
        evidence: ["bench"],
      };
      publishers[i]!.alarm(e, []);
    }
  }
  if (Date.now() - t0 >= seconds * 1000) void finish();
}, 100);

let finishing = false;
async function finish(): Promise<void> {
  if (finishing) return;
  finishing = true;
  clearInterval(timer);
  const closed = await Promise.all(publishers.map((p) => p.close("bench over", 10_000)));
  const dropped = closed.reduce((a, c) => a + c.dropped + c.unsent, 0);
  process.stdout.write(`${JSON.stringify({ alarmsSent, dropped })}\n`);
  process.exit(0);
}
