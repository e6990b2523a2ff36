import type { IncomingMessage, ServerResponse } from "node:http";
import type { CompiledConsumer } from "./auth/consumer-directory.ts";
import type { Pipeline } from "./pipeline.ts";
import type { CacheFill } from "./cache/proxy-cache-step.ts";

/** What an access step did: go on, answered the request itself, or will call resumeAccess later. */
export const CONTINUE = 0;
export const ANSWERED = 1;
export const PENDING = 2;
export type StepResult = typeof CONTINUE | typeof ANSWERED | typeof PENDING;

/** Counts a response the policies made (status + response flag) in the request's stats slot. */
export type CountResponse = (pr: PolicyRequest, status: number, flag: string) => void;

/**
 * Per-request policy state, one object per request on a route with policies. Steps record
 * what the upstream request and the client response need (identity, hidden credentials,
 * rate-limit headers) and the proxy applies it when it builds those headers.
 */
export class PolicyRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  pipeline: Pipeline;
  index = 0;
  readonly path: string;
  /** Query string as forwarded ("" or "?…"); credential hiding may shorten it. */
  rawQuery: string;
  readonly count: CountResponse;
  /** Called once the access phase let the request through (sync or after an async step). */
  readonly proceed: (pr: PolicyRequest) => void;
  /** Whatever the proxy needs to continue; opaque here. */
  readonly context: unknown;

  consumer: CompiledConsumer | null = null;
  credentialId: string | null = null;
  anonymous = false;
  /** Extra upstream headers from the auth steps (claims), name/value pairs. */
  claimHeaders: string[] | null = null;
  /** Request headers to drop before forwarding (hidden credentials). */
  dropHeaders: string[] | null = null;
  /** Response headers from access steps (rate-limit counters, CORS), name/value pairs. */
  responseHeaders: string[] | null = null;
  /** Origin allowed by CORS for the actual response. */
  corsOrigin: string | null = null;
  /** Set by the proxy-cache step on a miss: the upstream response is relayed through the cache. */
  cache: CacheFill | null = null;
  /** Name of the policy that refused the request (rate limit, auth, acl), for metrics; "" otherwise. */
  deniedBy = "";
  /** Why an auth step refused it: "missing" or "invalid" credentials, or "forbidden" (acl). */
  denyReason = "";

  constructor(
    req: IncomingMessage, res: ServerResponse, pipeline: Pipeline, path: string, rawQuery: string,
    count: CountResponse, proceed: (pr: PolicyRequest) => void, context: unknown,
  ) {
    this.req = req;
    this.res = res;
    this.pipeline = pipeline;
    this.path = path;
    this.rawQuery = rawQuery;
    this.count = count;
    this.proceed = proceed;
    this.context = context;
  }

  /** Counts a response a step made itself in the request's stats (and access log). */
  counted(status: number, flag: string): void {
    this.count(this, status, flag);
  }

  addResponseHeader(name: string, value: string): void {
    (this.responseHeaders ??= []).push(name, value);
  }
}

export interface AccessStep {
  run(pr: PolicyRequest): StepResult;
}
