import type { OutgoingHttpHeaders } from "node:http";
import type { CompiledDirectResponse, CompiledHeaderOps, CompiledRedirect } from "@switchyard/routing";
import { recordRequest, type RequestContext } from "./record-request.ts";
import type { StatSlot } from "./request-stats.ts";
import type { ServerResponse } from "node:http";
import { flagIndex } from "../errors.ts";

const FLAG_NONE = flagIndex("");

/** Applies a rule's header operations in Istio's order: set, add, remove. */
export function applyHeaderOps(headers: Record<string, string | string[]> | OutgoingHttpHeaders, ops: CompiledHeaderOps): void {
  for (let i = 0; i < ops.set.length; i++) { const [k, v] = ops.set[i]!; headers[k] = v; }
  for (let i = 0; i < ops.add.length; i++) {
    const [k, v] = ops.add[i]!;
    const prev = headers[k];
    if (prev === undefined) headers[k] = v;
    else if (Array.isArray(prev)) headers[k] = [...prev, v];
    else headers[k] = [String(prev), v];
  }
  for (let i = 0; i < ops.remove.length; i++) delete headers[ops.remove[i]!];
}

/** Answers with the rule's redirect; unset parts keep the request's (path and query too). */
export function sendRedirect(ctx: RequestContext & { res: ServerResponse }, slot: StatSlot, r: CompiledRedirect, path: string, rawQuery: string): void {
  const reqHost = ctx.req.headers.host ?? "";
  let authority = r.authority ?? reqHost;
  if (r.port !== null) {
    const host = authority.startsWith("[") ? authority.slice(0, authority.indexOf("]") + 1) : authority.split(":")[0]!;
    const scheme = r.scheme ?? "http";
    authority = (scheme === "https" && r.port === 443) || (scheme === "http" && r.port === 80) ? host : `${host}:${r.port}`;
  } else if (r.scheme !== null && r.authority === null) {
    // Changing scheme without a port: the request's port belongs to the old scheme.
    authority = reqHost.startsWith("[") ? reqHost.slice(0, reqHost.indexOf("]") + 1) : reqHost.split(":")[0]!;
  }
  const location = `${r.scheme ?? "http"}://${authority}${r.uri ?? path}${rawQuery}`;
  recordRequest(ctx, slot, r.status, FLAG_NONE, 0);
  ctx.res.writeHead(r.status, { location, "content-length": 0 });
  ctx.res.end();
}

export function sendDirectResponse(ctx: RequestContext & { res: ServerResponse }, slot: StatSlot, d: CompiledDirectResponse): void {
  recordRequest(ctx, slot, d.status, FLAG_NONE, d.body.length);
  ctx.res.writeHead(d.status, { "content-type": d.contentType, "content-length": d.body.length });
  ctx.res.end(d.body);
}
