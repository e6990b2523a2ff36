import type { OutgoingHttpHeaders } from "node:http";
import type { ProxyCacheConfig } from "@switchyard/config";
import type { CompiledHeaderOps } from "@switchyard/routing";
import { applyHeaderOps } from "../../worker/rule-actions.ts";
import { ANSWERED, CONTINUE, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { applyResponsePolicies } from "../run-access.ts";
import { parseCacheControl } from "./cache-control.ts";
import type { ResponseCache } from "./response-cache.ts";

export const CACHE_STATUS_HEADER = "x-cache-status";

/** A request the cache could not answer but may store the response of (set on PolicyRequest.cache). */
export interface CacheFill {
  readonly step: ProxyCacheStep;
  readonly key: string;
  /** X-Cache-Status if the response is stored: Miss (nothing there) or Refresh (there but not usable). */
  readonly status: "Miss" | "Refresh";
}

/**
 * Kong proxy-cache, the last access step of one route rule: answers from the cache when it
 * can, otherwise marks the request so the proxy relays the upstream response through the cache.
 * Runs after authentication, so the key carries the consumer and one consumer's response is never
 * served to another; a request with credentials the gateway did not check is never cached.
 */
export class ProxyCacheStep implements AccessStep {
  readonly cache: ResponseCache;
  readonly config: ProxyCacheConfig;
  /** Route and rule: rules of one route may send the same path to different upstreams. */
  private readonly tag: string;
  private readonly ruleOps: CompiledHeaderOps | null;
  private readonly methods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
  readonly varyHeaders: ReadonlySet<string>;

  constructor(config: ProxyCacheConfig, cache: ResponseCache, tag: string, ruleOps: CompiledHeaderOps | null) {
    this.config = config;
    this.cache = cache;
    this.tag = tag;
    this.ruleOps = ruleOps;
    this.methods = new Set(config.request_method);
    this.statuses = new Set(config.response_code);
    this.varyHeaders = new Set(config.vary_headers);
  }

  run(pr: PolicyRequest): StepResult {
    const req = pr.req;
    const method = req.method ?? "GET";
    if (!this.methods.has(method) || (pr.consumer === null && req.headers.authorization !== undefined)) return bypass(pr);
    let refresh = false;
    let maxAge = -1;
    if (this.config.cache_control) {
      const cc = parseCacheControl(req.headers["cache-control"]);
      if (cc !== null) {
        if (cc.noStore) return bypass(pr);
        refresh = cc.noCache;
        maxAge = cc.maxAge;
      }
    }
    const key = this.key(pr, method);
    if (!refresh) {
      const entry = this.cache.get(key);
      if (entry !== undefined) {
        const now = Date.now();
        const age = entry.initialAge + Math.floor((now - entry.storedAt) / 1000);
        if (now < entry.expiresAt && (maxAge < 0 || age <= maxAge)) {
          const headers = copyHeaders(entry.headers);
          applyResponsePolicies(pr, headers);
          if (this.ruleOps !== null) applyHeaderOps(headers, this.ruleOps);
          headers[CACHE_STATUS_HEADER] = "Hit";
          headers.age = String(age);
          if (method !== "HEAD") headers["content-length"] = entry.body.length;
          pr.counted(entry.status, "");
          if (pr.res.headersSent || pr.res.destroyed) return ANSWERED;
          pr.res.writeHead(entry.status, headers);
          pr.res.end(method === "HEAD" ? undefined : entry.body);
          return ANSWERED;
        }
        if (now >= entry.expiresAt) this.cache.delete(key);
        refresh = true;
      }
    }
    pr.cache = { step: this, key, status: refresh ? "Refresh" : "Miss" };
    return CONTINUE;
  }

  /** Rule, method, host, canonical path, query, vary headers, consumer; "\n" can't occur inside any of them. */
  private key(pr: PolicyRequest, method: string): string {
    const c = this.config;
    const host = pr.req.headers.host;
    let key = `${this.tag}\n${method}\n${host === undefined ? "" : host.toLowerCase()}\n${c.ignore_uri_case ? pr.path.toLowerCase() : pr.path}\n${canonicalQuery(pr.rawQuery, c.vary_query_params)}`;
    const headers = pr.req.headers;
    for (const name of c.vary_headers) {
      const v = headers[name];
      key += `\n${v === undefined ? "" : Array.isArray(v) ? v.join(",") : v}`;
    }
    if (pr.consumer !== null) key += `\n@${pr.consumer.username}`;
    return key;
  }
}

function bypass(pr: PolicyRequest): StepResult {
  pr.addResponseHeader(CACHE_STATUS_HEADER, "Bypass");
  return CONTINUE;
}

/** All parameters sorted by name (Kong's default), or only the configured ones in their order. */
function canonicalQuery(rawQuery: string, vary: readonly string[]): string {
  if (rawQuery.length <= 1) return "";
  const params = new URLSearchParams(rawQuery.slice(1));
  if (vary.length === 0) {
    params.sort();
    return params.toString();
  }
  let out = "";
  for (const name of vary) for (const v of params.getAll(name)) out += `${out === "" ? "" : "&"}${encodeURIComponent(name)}=${encodeURIComponent(v)}`;
  return out;
}

/** Entry headers are shared by every hit; policies edit the copy. */
export function copyHeaders(src: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in src) {
    const v = src[name];
    out[name] = Array.isArray(v) ? v.slice() : v;
  }
  return out;
}
