/** Small DOM helpers: elements by id (a missing one is a bug in index.html), text, number formats. */

/** The element with `id`; throws naming the id when index.html lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no element #${id}`);
  return e as T;
}

/** A new element with optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A number with `decimals`, or an en dash when unknown. */
export function fmt(v: number, decimals: number): string {
  return Number.isFinite(v) ? v.toFixed(decimals) : "–";
}

/** Rig time as m:ss.s (h:mm:ss past an hour). */
export function fmtTimeS(tS: number): string {
  if (!Number.isFinite(tS)) return "–";
  const h = Math.floor(tS / 3600);
  const m = Math.floor((tS % 3600) / 60);
  const s = tS % 60;
  const ss = s.toFixed(1).padStart(4, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss.slice(0, 2)}` : `${m}:${ss}`;
}

/** Offers `content` as a file download named `name`. */
export function download(name: string, href: string): void {
  const a = el("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
