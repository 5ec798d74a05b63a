/**
 * The bearer token that guards control (`--allow-control`): random per run, or read from
 * `--token-file`, and compared in constant time (both sides hashed to the same length first, so
 * neither the content nor the length leaks through timing).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "../core/errors.js";

/** A fresh token: 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Reads a token file (the first line, trimmed); a missing, empty or short one is a ConfigError. */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError("--token-file", path, `cannot read (${(e as Error).message})`, { cause: e });
  }
  const token = (text.split(/\r?\n/)[0] ?? "").trim();
  if (token.length < 16)
    throw new ConfigError("--token-file", path, "the token (first line) must be at least 16 characters");
  if (/\s/.test(token)) throw new ConfigError("--token-file", path, "the token must not contain spaces");
  return token;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** True when `header` is `Bearer <token>`; constant time in the token's content. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = m === null ? "" : m[1]!;
  return timingSafeEqual(digest(given), digest(token)) && m !== null;
}
