import type { IncomingHttpHeaders } from "node:http";
import { randomFillSync } from "node:crypto";
import type { ServerSpan } from "../tracing/span-sink.ts";

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for one request: the trace it belongs
 * to, whether it is sampled, and the exported server span when spans are exported.
 */
export interface RequestTrace {
  /** 32 lowercase hex digits, never all zero. */
  readonly traceId: string;
  /** The caller's span id from `traceparent`; "" when this request started the trace. */
  readonly parentId: string;
  /** Parent-based: the incoming sampled flag, or the sample ratio for a new trace. */
  readonly sampled: boolean;
  /** Incoming `tracestate`, passed on unchanged; undefined without one or with an invalid `traceparent`. */
  readonly state: string | undefined;
  /** The gateway's SERVER span while spans are exported and this trace is sampled. */
  span: ServerSpan | null;
}

/**
 * version-traceid-parentid-flags, lowercase hex. A future version may append fields after a
 * dash, so only version 00 has to end after the flags.
 */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/;
const ZERO_TRACE = "00000000000000000000000000000000";
const ZERO_SPAN = "0000000000000000";

/**
 * Random ids drawn in bulk: 4 KiB from the CSPRNG at a time, hex-encoded once, then handed out as
 * slices (one getrandom call and one encoding per 512 span ids; a slice costs ~25 ns).
 */
const POOL = Buffer.allocUnsafe(4096);
let hex = "";
let hexAt = 0;

function randomHex(chars: number): string {
  if (hexAt + chars > hex.length) {
    randomFillSync(POOL);
    hex = POOL.toString("hex");
    hexAt = 0;
  }
  const id = hex.slice(hexAt, hexAt + chars);
  hexAt += chars;
  return id;
}

const SPAN_ID = /^[0-9a-f]{16}$/;

/** Whether `id` can be sent as a parent id (an SDK span that is not recording may carry the invalid all-zero one). */
export function validSpanId(id: string): boolean {
  return id !== ZERO_SPAN && SPAN_ID.test(id);
}

/** A new span id: 16 hex digits, not all zero. */
export function newSpanId(): string {
  const id = randomHex(16);
  return id === ZERO_SPAN ? newSpanId() : id;
}

/** A new trace id: 32 hex digits, not all zero. */
export function newTraceId(): string {
  const id = randomHex(32);
  return id === ZERO_TRACE ? newTraceId() : id;
}

function sampleNew(ratio: number): boolean {
  return ratio >= 1 || (ratio > 0 && Math.random() < ratio);
}

/**
 * Reads `traceparent`/`tracestate`. An invalid `traceparent` is ignored and a new trace started,
 * and its `tracestate` is dropped with it (the spec ties one to the other).
 */
export function startTrace(headers: IncomingHttpHeaders, ratio: number): RequestTrace {
  const tp = headers.traceparent;
  if (typeof tp === "string" && TRACEPARENT.test(tp)) {
    const version = tp.charCodeAt(0) === 48 && tp.charCodeAt(1) === 48; // "00"
    const traceId = tp.slice(3, 35);
    const parentId = tp.slice(36, 52);
    if ((version ? tp.length === 55 : !tp.startsWith("ff")) && traceId !== ZERO_TRACE && parentId !== ZERO_SPAN) {
      const state = headers.tracestate;
      return {
        traceId, parentId,
        // Only the sampled bit is defined for version 00; other bits are not passed on.
        sampled: (tp.charCodeAt(54) - (tp.charCodeAt(54) >= 97 ? 87 : 48) & 1) === 1,
        state: typeof state === "string" && state !== "" ? state : undefined,
        span: null,
      };
    }
  }
  return { traceId: newTraceId(), parentId: "", sampled: sampleNew(ratio), state: undefined, span: null };
}

/** The `traceparent` sent upstream: same trace, `spanId` (the gateway's span) as the parent. */
export function traceparent(trace: RequestTrace, spanId: string): string {
  return `00-${trace.traceId}-${spanId}-${trace.sampled ? "01" : "00"}`;
}

/** Sets `traceparent` (and `tracestate` when there is one) on headers going upstream. */
export function setTraceHeaders(headers: Record<string, string | string[]>, trace: RequestTrace, spanId: string): void {
  headers.traceparent = traceparent(trace, spanId);
  if (trace.state !== undefined) headers.tracestate = trace.state;
}
