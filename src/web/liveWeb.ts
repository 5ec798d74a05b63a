/**
 * The web face of a live session, as `serve` and `dashboard --serve` start it: the stream
 * observing the session and the HTTP/WebSocket server on the listen address.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.js";
import type { LiveSession } from "../session/liveSession.js";
import type { ListenAddress } from "./listenAddress.js";
import { LiveStream, type LiveStreamOptions } from "./liveStream.js";
import { WebServer, type WebServerOptions } from "./webServer.js";

/** `web/dist` of this package (from src/web or dist/web alike). */
export const PAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web", "dist");

export interface LiveWebOptions {
  readonly session: LiveSession;
  readonly listen: ListenAddress;
  /** Option named in a listen error (`--listen`, `--serve`). */
  readonly listenOption: string;
  /** The bearer token of control; null: control off. */
  readonly controlToken: string | null;
  /** The rig config in force (shown in `hello`). */
  readonly rigConfig: unknown;
  /** @default {@link PAGE_ROOT} */
  readonly staticRoot?: string;
  readonly stream?: Omit<LiveStreamOptions, "control" | "rigConfig">;
  readonly server?: Pick<WebServerOptions, "maxBodyBytes" | "pingMs" | "controlOffReason">;
}

export interface LiveWeb {
  readonly url: string;
  readonly port: number;
  readonly stream: LiveStream;
  /** Says `bye` to the viewers and closes the server; idempotent. */
  stop(reason: string): Promise<void>;
}

/** Starts the stream and the server; a port in use is a ConfigError naming the option. */
export async function startLiveWeb(o: LiveWebOptions): Promise<LiveWeb> {
  const stream = new LiveStream(o.session, {
    ...o.stream,
    control: o.controlToken !== null,
    rigConfig: o.rigConfig,
  });
  const server = new WebServer({
    ...o.server,
    session: o.session,
    stream,
    listen: o.listen,
    controlToken: o.controlToken,
    staticRoot: o.staticRoot ?? PAGE_ROOT,
  });
  stream.start();
  let bound: { url: string; port: number };
  try {
    bound = await server.listen();
  } catch (e) {
    stream.stop("server not started");
    await server.close().catch(() => {});
    throw new ConfigError(
      o.listenOption,
      `${o.listen.host}:${o.listen.port}`,
      `cannot listen: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  let stopping: Promise<void> | null = null;
  return {
    url: bound.url,
    port: bound.port,
    stream,
    stop: (reason) => {
      stopping ??= (async () => {
        stream.stop(reason);
        await server.close();
      })();
      return stopping;
    },
  };
}
