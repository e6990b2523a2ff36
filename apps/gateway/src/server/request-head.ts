/**
 * Strict reader of HTTP/1.1 request heads for the lean listener (lean-connection.ts).
 *
 * It takes only the plain, common request: a known method, an origin-form or absolute target of
 * visible ASCII, `HTTP/1.1`, a Host, every header once, token names, values without control
 * characters, a body only as one plain decimal Content-Length (no Transfer-Encoding), no
 * Upgrade, no Expect. Anything else, valid or not, is HANDOFF: the connection goes to Node's own
 * HTTP server (llhttp), which answers it exactly as before, 400 and 431 included. So this reader
 * never has to be lenient, and where a request ends is never in doubt: a single, well-formed
 * Content-Length or nothing.
 */

import { headerNameTable, knownHeaderName } from "./header-names.ts";
import { HTTP_TOKEN } from "./http-syntax.ts";

/** Not a whole head yet: wait for more bytes. */
export const INCOMPLETE = 0;
/** Not one for the lean path: hand the connection to Node's HTTP server. */
export const HANDOFF = 1;

export interface RequestHead {
  method: string;
  url: string;
  /** Lower-case names, one value each (duplicates are handed off), like IncomingMessage.headers. */
  headers: Record<string, string>;
  /** The client asked to close the connection after this response. */
  close: boolean;
  /** Bytes of the head, blank line included. */
  length: number;
  /** Content-Length of the body that follows (0: none). */
  bodyLength: number;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);
const TARGET = /^[\x21-\x7e]+$/;
/** A Content-Length the lean path takes: plain digits, below 2^53 (anything else is Node's). */
const DECIMAL = /^[0-9]{1,15}$/;
/** More headers than this is unusual enough to leave to Node. */
const MAX_HEADERS = 100;
/** Request header names clients send most (these need no token check and no lower-casing). */
const KNOWN_NAMES = headerNameTable([
  "host", "accept", "cookie", "origin", "referer", "connection", "user-agent", "content-type", "authorization",
  "cache-control", "content-length", "accept-encoding", "accept-language", "x-request-id", "x-forwarded-for",
  "x-forwarded-proto", "x-forwarded-host", "traceparent", "tracestate", "if-none-match", "if-modified-since",
  "upgrade", "expect", "transfer-encoding", "x-api-key", "apikey", "forwarded", "pragma", "range", "te",
]);

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Where the head starting at `at` ends (the index of its blank line's CR), in one pass that also
 * refuses what Node refuses in a head: control characters other than HTAB, DEL, and CR or LF
 * that aren't a CRLF pair. -1: no end yet; -2: a refused byte.
 */
function scanHead(buf: Buffer, at: number, limit: number): number {
  const n = Math.min(buf.length, limit);
  for (let i = at; i < n; i++) {
    const c = buf[i]!;
    if (c >= 32 && c !== 127) continue;
    if (c === 9) continue;
    if (c !== 13) return -2;
    if (i + 1 === buf.length) return -1;
    if (buf[i + 1] !== 10) return -2;
    if (buf[i + 2] === 13 && buf[i + 3] === 10) return i;
    i++;
  }
  return -1;
}

/**
 * Reads the head starting at `at` in `buf`. `maxBytes` is the listener's head limit: a head that
 * doesn't end within it is handed off (Node answers 431).
 */
export function readRequestHead(buf: Buffer, at: number, maxBytes: number): RequestHead | typeof INCOMPLETE | typeof HANDOFF {
  const end = scanHead(buf, at, at + maxBytes);
  if (end === -2) return HANDOFF;
  if (end === -1) return buf.length - at >= maxBytes ? HANDOFF : INCOMPLETE;
  if (end - at + 4 > maxBytes) return HANDOFF;
  const text = buf.toString("latin1", at, end);
  const lineEnd = text.indexOf("\r\n");
  const line = lineEnd === -1 ? text : text.slice(0, lineEnd);
  const sp1 = line.indexOf(" ");
  const sp2 = line.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || line.length - sp2 !== 9 || !line.endsWith(" HTTP/1.1")) return HANDOFF;
  const method = line.slice(0, sp1);
  if (!METHODS.has(method)) return HANDOFF;
  const url = line.slice(sp1 + 1, sp2);
  if (!TARGET.test(url)) return HANDOFF;

  const headers: Record<string, string> = {};
  let count = 0, close = false, host = false, bodyLength = 0;
  let pos = lineEnd === -1 ? text.length : lineEnd + 2;
  while (pos < text.length) {
    let eol = text.indexOf("\r\n", pos);
    if (eol === -1) eol = text.length;
    const colon = text.indexOf(":", pos);
    // No colon, an empty name, or a folded line (starts with whitespace): Node's to judge.
    if (colon === -1 || colon > eol || colon === pos || ++count > MAX_HEADERS) return HANDOFF;
    let name = knownHeaderName(KNOWN_NAMES, text, pos, colon);
    if (name === undefined) {
      name = text.slice(pos, colon).toLowerCase();
      if (!HTTP_TOKEN.test(name)) return HANDOFF;
    }
    let from = colon + 1, to = eol;
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    const value = text.slice(from, to);
    // Repeated names have per-name joining rules in Node (first wins, ", " or "; "): left to it.
    if (name === "__proto__" || headers[name] !== undefined) return HANDOFF;
    switch (name) {
      case "content-length":
        if (!DECIMAL.test(value)) return HANDOFF;
        bodyLength = Number(value);
        break;
      case "transfer-encoding":
      case "upgrade":
      case "expect":
        return HANDOFF;
      case "host":
        host = true;
        break;
      case "connection": {
        const v = value.toLowerCase();
        if (v.includes("upgrade")) return HANDOFF;
        if (v.includes("close")) close = true;
        break;
      }
    }
    headers[name] = value;
    pos = eol + 2;
  }
  // Node refuses an HTTP/1.1 request without Host (400): its answer, not ours.
  if (!host) return HANDOFF;
  return { method, url, headers, close, length: end - at + 4, bodyLength };
}
