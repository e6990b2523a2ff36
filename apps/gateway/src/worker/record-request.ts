import type { IncomingMessage } from "node:http";
import { RESPONSE_FLAGS } from "../errors.ts";
import type { AccessLog } from "./access-log.ts";
import type { StatSlot } from "./request-stats.ts";
import type { RequestTrace } from "./trace-context.ts";
import { monoClock } from "../event-clock.ts";

/** What is known about a request when it ends; the proxy's per-request exchange satisfies it. */
export interface RequestContext {
  readonly accessLog: AccessLog | null;
  readonly req: IncomingMessage;
  /** performance.now() when the request reached the handler. */
  readonly start: number;
  /** Index of the matched rule, -1 when none matched. */
  rule: number;
  /** host:port of the chosen upstream target, "" when none. */
  target: string;
  /** Time from sending upstream to its response headers; -1 when no upstream answered. */
  upstreamMs: number;
  /** The x-request-id sent upstream, "" before one was chosen. */
  requestId: string;
  /** Authenticated consumer's name and stats id (RequestStats.consumerId); absent or ""/0 without one. */
  consumer?: string;
  consumerId?: number;
  /** The request's trace (W3C Trace Context); its id goes in the access log. */
  readonly trace: RequestTrace;
}

function requestBodyBytes(req: IncomingMessage): number {
  const cl = req.headers["content-length"];
  if (cl === undefined) return 0;
  const n = Number(cl);
  return n > 0 ? n : 0;
}

/**
 * Counts a finished request in its slot and writes its access-log line when sampled. Called
 * exactly once per request; never throws into the proxy.
 */
export function recordRequest(ctx: RequestContext, slot: StatSlot, status: number, flag: number, responseBytes: number): void {
  const durationMs = monoClock() - ctx.start;
  const requestBytes = requestBodyBytes(ctx.req);
  slot.add(status, flag, durationMs, ctx.upstreamMs, requestBytes, responseBytes, ctx.consumerId ?? 0);
  const span = ctx.trace.span;
  if (span !== null) {
    try {
      span.record({
        status, flag: RESPONSE_FLAGS[flag] ?? "", route: slot.route, rule: ctx.rule, service: slot.service, subset: slot.subset, consumer: ctx.consumer ?? "",
      });
    } catch {
      // Tracing is best effort too.
    }
  }
  const log = ctx.accessLog;
  if (log === null || !log.sample()) return;
  try {
    const headers = ctx.req.headers;
    const id = ctx.requestId || headers["x-request-id"];
    log.write({
      requestId: typeof id === "string" ? id : "",
      protocol: ctx.req.httpVersionMajor === 2 ? "HTTP/2" : `HTTP/${ctx.req.httpVersion}`,
      method: ctx.req.method ?? "",
      path: ctx.req.url ?? "",
      route: slot.route,
      rule: ctx.rule < 0 ? null : ctx.rule,
      service: slot.service,
      subset: slot.subset,
      target: ctx.target,
      status,
      flag: RESPONSE_FLAGS[flag] ?? "",
      durationMs: Math.round(durationMs * 1000) / 1000,
      upstreamMs: ctx.upstreamMs < 0 ? null : Math.round(ctx.upstreamMs * 1000) / 1000,
      consumer: ctx.consumer ?? "",
      requestBytes,
      responseBytes,
      traceId: ctx.trace.traceId,
    });
  } catch {
    // Logging is best effort.
  }
}
