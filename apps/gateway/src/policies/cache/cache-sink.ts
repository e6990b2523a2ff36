import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { Writable } from "node:stream";
import type { PolicyRequest } from "../policy-request.ts";
import { parseCacheControl } from "./cache-control.ts";
import { CACHE_STATUS_HEADER, copyHeaders, type CacheFill, type ProxyCacheStep } from "./proxy-cache-step.ts";
import { entrySize } from "./response-cache.ts";

/**
 * Where the body of an upstream response the cache missed goes. Called with the client's
 * headers (hop-by-hop ones out) before per-request policy headers are added: sets
 * X-Cache-Status and, for a storable response, returns a tee that keeps a copy of those headers
 * and the body and stores them once the body ended whole; otherwise the client response itself.
 */
export function cacheSink(pr: PolicyRequest, status: number, headers: OutgoingHttpHeaders): Writable {
  const fill = pr.cache!;
  const ttlMs = storableFor(fill.step, status, headers);
  if (ttlMs <= 0) {
    headers[CACHE_STATUS_HEADER] = "Bypass";
    return pr.res;
  }
  const tee = new CacheTee(fill, status, copyHeaders(headers), ttlMs, pr.res);
  headers[CACHE_STATUS_HEADER] = fill.status;
  return tee;
}

function text(v: string | number | string[] | undefined): string | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v.join(", ") : String(v);
}

/** How long the response may be served from the cache, in ms; 0: not stored. */
function storableFor(step: ProxyCacheStep, status: number, headers: OutgoingHttpHeaders): number {
  const c = step.config;
  if (!step.statuses.has(status) || headers["set-cookie"] !== undefined) return 0;
  if (!contentTypeAllowed(text(headers["content-type"]), c.content_type)) return 0;
  const vary = text(headers.vary);
  if (vary !== undefined) {
    // Stored only if everything the upstream varies on is part of the key.
    for (const token of vary.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "" && !step.varyHeaders.has(name)) return 0;
    }
  }
  const length = headers["content-length"];
  if (length !== undefined && Number(length) > c.max_body_bytes) return 0;
  let ttl = c.cache_ttl;
  if (c.cache_control) {
    const cc = parseCacheControl(headers["cache-control"]);
    if (cc !== null) {
      if (cc.noStore || cc.noCache || cc.private) return 0;
      const fresh = cc.sMaxAge >= 0 ? cc.sMaxAge : cc.maxAge;
      if (fresh >= 0) ttl = fresh - upstreamAge(headers);
    }
  }
  return ttl > 0 ? ttl * 1000 : 0;
}

function contentTypeAllowed(value: string | undefined, allowed: readonly string[]): boolean {
  if (value === undefined) return false;
  const semi = value.indexOf(";");
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  const slash = type.indexOf("/");
  for (const a of allowed) {
    if (a === type || a === "*/*") return true;
    if (a.endsWith("/*") && slash > 0 && a.slice(0, -1) === type.slice(0, slash + 1)) return true;
  }
  return false;
}

export function upstreamAge(headers: OutgoingHttpHeaders): number {
  const age = text(headers.age);
  return age !== undefined && /^\d+$/.test(age) ? Number(age) : 0;
}

/**
 * Passes the body on to the client with the client's backpressure and keeps a copy while it
 * stays within max_body_bytes; past that the copy is dropped and the rest streams through.
 * Serves both upstream clients: undici pipes into it, the lean client calls write/end/drain.
 */
class CacheTee extends Writable {
  private readonly fill: CacheFill;
  private readonly status: number;
  private readonly headers: OutgoingHttpHeaders;
  private readonly ttlMs: number;
  private readonly res: ServerResponse;
  private chunks: Buffer[] | null = [];
  private length = 0;

  constructor(fill: CacheFill, status: number, headers: OutgoingHttpHeaders, ttlMs: number, res: ServerResponse) {
    super();
    this.fill = fill;
    this.status = status;
    this.headers = headers;
    this.ttlMs = ttlMs;
    this.res = res;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    if (this.chunks !== null) {
      this.length += chunk.length;
      // A copy: the chunk may be a view of a reused or much larger socket buffer.
      if (this.length > this.fill.step.config.max_body_bytes) this.chunks = null;
      else this.chunks.push(Buffer.from(chunk));
    }
    if (this.res.destroyed) return cb(new Error("client went away"));
    if (this.res.write(chunk)) cb();
    else this.res.once("drain", () => cb());
  }

  override _final(cb: (error?: Error | null) => void): void {
    const chunks = this.chunks;
    this.chunks = null;
    this.res.end();
    if (chunks !== null && !this.res.destroyed) {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.length);
      const key = this.fill.key;
      const now = Date.now();
      this.fill.step.cache.set(key, {
        status: this.status, headers: this.headers, body, storedAt: now, expiresAt: now + this.ttlMs,
        initialAge: upstreamAge(this.headers), size: entrySize(key, this.headers, body.length),
      });
    }
    cb();
  }

  override _destroy(error: Error | null, cb: (error?: Error | null) => void): void {
    this.chunks = null;
    if (error !== null && !this.res.destroyed) this.res.destroy();
    cb(error);
  }
}
