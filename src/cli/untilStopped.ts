/** Waiting for the end of a command that runs until told (`record`, `fleet --json`). */

/**
 * Resolves with why it stopped: `SIGINT`, `SIGTERM`, `SIGHUP` (an SSH session dropping),
 * `duration` after `durationS` seconds, or `abort` on `signal`; the handlers are removed then.
 */
export function untilStopped(durationS: number | undefined, signal?: AbortSignal): Promise<string> {
  return new Promise((resolveStop) => {
    const names = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    let timer: NodeJS.Timeout | null = null;
    const handlers = names.map((n) => {
      const h = (): void => finish(n);
      process.once(n, h);
      return [n, h] as const;
    });
    const finish = (why: string): void => {
      for (const [n, h] of handlers) process.off(n, h);
      if (timer !== null) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolveStop(why);
    };
    const onAbort = (): void => finish("abort");
    signal?.addEventListener("abort", onAbort, { once: true });
    if (durationS !== undefined) timer = setTimeout(() => finish("duration"), durationS * 1000);
  });
}
