/**
 * Makes docs/dashboard.png from a real run: starts `looptwin dashboard --emulate` in tmux, lets
 * the loop warm up, injects a pump failure with the keys an operator would press, waits for the
 * alarm, captures the pane with its colours (`tmux capture-pane -e`), replays the capture into an
 * @xterm/headless terminal and paints the cells with GNU Unifont's 8x16 glyphs (Debian package
 * `unifont`) into a PNG (pngjs). No browser needed.
 *
 *   npx tsx tests/dashboard/screenshot.ts [--out docs/dashboard.png] [--cols 120] [--rows 40]
 *     [--warmup 40] [--command "node bin/looptwin.js dashboard --emulate"]
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import xterm from "@xterm/headless";
import { PNG } from "pngjs";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "docs/dashboard.png" },
    cols: { type: "string", default: "120" },
    rows: { type: "string", default: "40" },
    warmup: { type: "string", default: "40" },
    command: { type: "string", default: "node bin/looptwin.js dashboard --emulate --rate 20" },
    font: { type: "string", default: "/usr/share/unifont/unifont.hex" },
    "no-fault": { type: "boolean", default: false },
  },
});
const cols = Number(values.cols);
const rows = Number(values.rows);
const session = `looptwin-shot-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync("tmux", args, { encoding: "utf8" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(re: RegExp, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (re.test(tmux("capture-pane", "-t", session, "-p"))) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${re}`);
}

/** GNU Unifont .hex: `XXXX:` + 32 hex digits (8x16) or 64 (16x16) per code point. */
function loadUnifont(path: string): Map<number, { width: number; rows: number[] }> {
  const glyphs = new Map<number, { width: number; rows: number[] }>();
  for (const line of readFileSync(path, "latin1").split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const cp = Number.parseInt(line.slice(0, colon), 16);
    const hex = line.slice(colon + 1).trim();
    const width = hex.length === 64 ? 16 : 8;
    const step = width / 4;
    const rowsBits: number[] = [];
    for (let i = 0; i < 16; i++) rowsBits.push(Number.parseInt(hex.slice(i * step, (i + 1) * step), 16));
    glyphs.set(cp, { width, rows: rowsBits });
  }
  return glyphs;
}

/** xterm's default palette (0-15), then the 6x6x6 cube and the grey ramp. */
function palette(): [number, number, number][] {
  const base: [number, number, number][] = [
    [0x1e, 0x1e, 0x1e],
    [0xcd, 0x31, 0x31],
    [0x0d, 0xbc, 0x79],
    [0xe5, 0xe5, 0x10],
    [0x24, 0x72, 0xc8],
    [0xbc, 0x3f, 0xbc],
    [0x11, 0xa8, 0xcd],
    [0xe5, 0xe5, 0xe5],
    [0x66, 0x66, 0x66],
    [0xf1, 0x4c, 0x4c],
    [0x23, 0xd1, 0x8b],
    [0xf5, 0xf5, 0x43],
    [0x3b, 0x8e, 0xea],
    [0xd6, 0x70, 0xd6],
    [0x29, 0xb8, 0xdb],
    [0xff, 0xff, 0xff],
  ];
  const levels = [0, 95, 135, 175, 215, 255];
  for (let r = 0; r < 6; r++)
    for (let g = 0; g < 6; g++) for (let b = 0; b < 6; b++) base.push([levels[r]!, levels[g]!, levels[b]!]);
  for (let i = 0; i < 24; i++) base.push([8 + i * 10, 8 + i * 10, 8 + i * 10]);
  return base;
}

async function main(): Promise<void> {
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(cols),
    "-y",
    String(rows),
    `TERM=xterm-256color exec ${values.command}`,
  );
  try {
    await waitFor(/CONNECTED/, 30_000);
    await sleep(Number(values.warmup) * 1000);
    if (!values["no-fault"]) {
      tmux("send-keys", "-t", session, "f");
      await waitFor(/Fault injection/, 5000);
      tmux("send-keys", "-t", session, "2");
      await waitFor(/how many seconds/, 5000);
      tmux("send-keys", "-t", session, "Enter");
      await waitFor(/Inject pump failure/, 5000);
      tmux("send-keys", "-t", session, "y");
      await waitFor(/CRIT\s+\S+\s+pump failure/, 60_000);
      await sleep(6000);
    }
    const capture = tmux("capture-pane", "-t", session, "-p", "-e");
    const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
    await new Promise<void>((r) => term.write(capture.replace(/\n$/, "").split("\n").join("\r\n"), r));
    const font = loadUnifont(values.font!);
    const pal = palette();
    const cw = 8;
    const ch = 16;
    const png = new PNG({ width: cols * cw, height: rows * ch });
    const buf = term.buffer.active;
    const cell = buf.getNullCell();
    const defaultFg: [number, number, number] = [0xd4, 0xd4, 0xd4];
    const defaultBg: [number, number, number] = [0x12, 0x12, 0x12];
    const color = (mode: "fg" | "bg", c: typeof cell): [number, number, number] => {
      const isDefault = mode === "fg" ? c.isFgDefault() : c.isBgDefault();
      if (isDefault) return mode === "fg" ? defaultFg : defaultBg;
      const v = mode === "fg" ? c.getFgColor() : c.getBgColor();
      const rgb = mode === "fg" ? c.isFgRGB() : c.isBgRGB();
      if (rgb) return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
      return pal[v] ?? defaultFg;
    };
    for (let y = 0; y < rows; y++) {
      const line = buf.getLine(y);
      for (let x = 0; x < cols; x++) {
        line?.getCell(x, cell);
        let fg = color("fg", cell);
        let bg = color("bg", cell);
        if (cell.isInverse())
          [fg, bg] = [cell.isFgDefault() ? defaultBg : bg, cell.isBgDefault() ? defaultFg : fg];
        if (cell.isBold() && cell.isFgPalette() && cell.getFgColor() < 8) fg = pal[cell.getFgColor() + 8]!;
        const text = cell.getChars();
        const glyph = font.get(text.codePointAt(0) ?? 32) ?? font.get(0xfffd);
        for (let gy = 0; gy < ch; gy++) {
          const bits = glyph?.rows[gy] ?? 0;
          for (let gx = 0; gx < cw; gx++) {
            const on = glyph !== undefined && ((bits >> (glyph.width - 1 - gx)) & 1) === 1;
            const [r, g, b] = on ? fg : bg;
            const idx = ((y * ch + gy) * png.width + (x * cw + gx)) * 4;
            png.data[idx] = r;
            png.data[idx + 1] = g;
            png.data[idx + 2] = b;
            png.data[idx + 3] = 255;
          }
        }
      }
    }
    writeFileSync(values.out!, PNG.sync.write(png));
    process.stdout.write(`wrote ${values.out} (${png.width}x${png.height})\n`);
  } finally {
    try {
      tmux("send-keys", "-t", session, "q");
      await sleep(3000);
    } finally {
      // The session is gone already when the dashboard quit on q.
      try {
        execFileSync("tmux", ["kill-session", "-t", session], { stdio: "ignore" });
      } catch {}
    }
  }
}

await main();
