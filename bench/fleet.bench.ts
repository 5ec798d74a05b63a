/**
 * The fleet at scale (issue 14 section 4): RIGS publishers at 10 Hz (bench/fleetRigs.ts, in a
 * process of their own) through one real mosquitto to one subscriber, the fleet view's own: its
 * subscription, state and blessed screen (80x24, drawn into a terminal that discards the bytes)
 * run in this process, and only they. Over SECONDS it measures
 * - `fleet_lost_qos1`: alarm events published at QoS 1 and never received (target 0);
 * - `fleet_latency_p99_ms`: telemetry publish-to-receive latency (payload `sentAtMs` to arrival,
 *   one machine, one clock), 99th percentile (target <= 50);
 * - `fleet_view_cpu_percent`: CPU of this process (the view) as a percentage of one core (target <= 10).
 *
 * `npm run bench -- --only fleet`; FLEET_BENCH_RIGS (default 50) and FLEET_BENCH_S (default 60)
 * change the load and the window. Needs mosquitto (skipped, with the reason, without it).
 */
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { FleetScreen } from "../src/dashboard/fleetScreen.js";
import { brokerConfig } from "../src/fleet/brokerConfig.js";
import { FleetSubscriber } from "../src/fleet/fleetSubscriber.js";
import { fleetHeader, fleetLines } from "../src/fleet/fleetTable.js";
import { BROKER_PASSWORD, BROKER_USER, MOSQUITTO_MISSING, TestBroker } from "../tests/broker/mosquitto.js";
import type { BenchFigure, BenchFile } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));

/** A terminal of 80x24 that throws the bytes away (the screen's cost is drawing, not the link). */
class NullTty extends Writable {
  readonly isTTY = true;
  columns = 80;
  rows = 24;
  override _write(_c: unknown, _e: BufferEncoding, cb: () => void): void {
    cb();
  }
}

const SENT_AT = /"sentAtMs":(\d+)/;
const ALARM_ID = /"alarmId":(\d+)/;

const bench: BenchFile = {
  name: "fleet",
  async run(): Promise<Record<string, BenchFigure>> {
    if (MOSQUITTO_MISSING !== null) {
      process.stderr.write(`fleet bench skipped: ${MOSQUITTO_MISSING}\n`);
      return {};
    }
    const rigs = Number(process.env.FLEET_BENCH_RIGS ?? 50);
    const seconds = Number(process.env.FLEET_BENCH_S ?? 60);
    const broker = await TestBroker.start();
    const latencies: number[] = [];
    const alarmsSeen = new Map<string, Set<number>>();
    const sub = new FleetSubscriber({
      broker: brokerConfig({ option: "--mqtt", url: broker.url, password: BROKER_PASSWORD }),
      prefix: "looptwin/v1",
      onMessage: (topic, payload) => {
        const now = Date.now();
        if (topic.endsWith("/telemetry")) {
          const m = SENT_AT.exec(payload.toString("latin1", 0, 120));
          if (m !== null) latencies.push(now - Number(m[1]));
        } else if (topic.endsWith("/alarms")) {
          const id = ALARM_ID.exec(payload.toString("latin1"));
          const rig = topic.split("/")[2] ?? "";
          if (id !== null) {
            const seen = alarmsSeen.get(rig) ?? new Set<number>();
            seen.add(Number(id[1]));
            alarmsSeen.set(rig, seen);
          }
        }
      },
    });
    const screen = new FleetScreen({
      model: {
        frame: (cols) => ({
          header: fleetHeader(cols),
          rows: fleetLines(sub.state.rows(), Date.now(), cols),
          status: `${sub.state.size} rigs`,
        }),
        open: () => {},
      },
      onQuit: () => {},
      output: new NullTty(),
      terminal: "xterm-256color",
      color: true,
    });
    await new Promise((r) => setTimeout(r, 500));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        join(here, "fleetRigs.ts"),
        String(broker.port),
        String(rigs),
        String(seconds),
        BROKER_USER,
        BROKER_PASSWORD,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    await new Promise((r) => child.once("exit", r));
    const cpu = process.cpuUsage(cpu0);
    const wallS = (performance.now() - wall0) / 1000;
    // QoS 1 messages still on their way when the publishers said goodbye.
    await new Promise((r) => setTimeout(r, 1000));
    const report = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as {
      alarmsSent: number[];
      dropped: number;
    };
    let lost = 0;
    report.alarmsSent.forEach((sent, i) => {
      const seen = alarmsSeen.get(`bench-${String(i + 1).padStart(3, "0")}`);
      for (let id = 1; id <= sent; id++) if (!(seen?.has(id) ?? false)) lost++;
    });
    latencies.sort((a, b) => a - b);
    const quantile = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
    const rigsSeen = sub.state.size;
    screen.destroy();
    await sub.close();
    await broker.stop();
    process.stderr.write(
      `fleet bench: ${rigs} rigs for ${seconds} s, ${rigsSeen} seen by the view, ${latencies.length} telemetry messages, ${report.alarmsSent.reduce((a, b) => a + b, 0)} alarm events, ${report.dropped} dropped by the publishers' queues, view CPU over ${wallS.toFixed(1)} s wall; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores at the end\n`,
    );
    return {
      fleet_lost_qos1: { value: lost, unit: "messages", target: { op: "<=", value: 0 } },
      fleet_latency_p99_ms: { value: quantile(0.99), unit: "ms", target: { op: "<=", value: 50 } },
      fleet_latency_p50_ms: { value: quantile(0.5), unit: "ms" },
      fleet_view_cpu_percent: {
        value: ((cpu.user + cpu.system) / 1e6 / wallS) * 100,
        unit: "% of a core",
        target: { op: "<=", value: 10 },
      },
    };
  },
};

export default bench;
