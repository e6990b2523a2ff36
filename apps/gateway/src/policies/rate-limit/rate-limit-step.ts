import { PERIOD_MS, RATE_LIMIT_PERIODS, type RateLimitConfig, type RateLimitPeriod } from "@switchyard/config";
import { GatewayErrors } from "../../errors.ts";
import { clientIpOf } from "../client-ip.ts";
import { ANSWERED, CONTINUE, PENDING, type AccessStep, type PolicyRequest, type StepResult } from "../policy-request.ts";
import { resumeAccess } from "../run-access.ts";
import { sendPolicyError } from "../send-policy-error.ts";
import { LocalRateLimitStore } from "./local-store.ts";
import type { RateLimitStore } from "./rate-limit-store.ts";
import { decimalString } from "../../decimal-string.ts";
import { remainingOf, resetSeconds, retryAfterSeconds, usedInWindow, type LimitSpec, type LimitState } from "./window-math.ts";

/** Where a rate-limit step reports a store it could not reach (log line + counter). */
export type StoreFailure = (policy: string, error: Error, allowed: boolean) => void;

const TITLE: Record<RateLimitPeriod, string> = { second: "Second", minute: "Minute", hour: "Hour", day: "Day", month: "Month" };

/**
 * Kong rate-limiting. Keys are "<policy>|<identifier>|<period>"; the limit itself is not part
 * of the key, so a changed limit applies to the counts of the current window.
 */
export class RateLimitStep implements AccessStep {
  private readonly name: string;
  private readonly config: RateLimitConfig;
  private readonly store: RateLimitStore;
  private readonly onFailure: StoreFailure;
  private readonly specs: LimitSpec[];
  private readonly periods: RateLimitPeriod[];
  private readonly limitHeaders: string[];
  private readonly remainingHeaders: string[];
  private readonly error;
  private readonly scratchKeys: string[];
  private readonly scratchStates: LimitState[];
  /** Limits as header values, made once. */
  private readonly limitText: string[];
  /** Keys of a consumer (by consumer index) or of the fixed route/service id, built on first use. */
  private readonly consumerKeys: (string[] | undefined)[] = [];
  private fixedKeys: string[] | null = null;

  constructor(name: string, config: RateLimitConfig, store: RateLimitStore, onFailure: StoreFailure) {
    this.name = name;
    this.config = config;
    this.store = store;
    this.onFailure = onFailure;
    this.periods = RATE_LIMIT_PERIODS.filter((p) => config[p] !== undefined);
    // A month is the calendar month (UTC), always a fixed window: the quota starts over on the 1st, as billing does.
    this.specs = this.periods.map((p) => p === "month"
      ? { windowMs: PERIOD_MS.month, limit: config.month!, sliding: false, calendarMonth: true }
      : { windowMs: PERIOD_MS[p], limit: config[p]!, sliding: config.window_type === "sliding", calendarMonth: false });
    this.limitHeaders = this.periods.map((p) => `x-ratelimit-limit-${p}`);
    this.remainingHeaders = this.periods.map((p) => `x-ratelimit-remaining-${p}`);
    this.error = { ...GatewayErrors.RATE_LIMITED, status: config.error_code, message: config.error_message };
    this.scratchKeys = new Array<string>(this.periods.length).fill("");
    this.scratchStates = this.periods.map(newState);
    this.limitText = this.specs.map((s) => String(s.limit));
  }

  private keysOf(id: string): string[] {
    return this.periods.map((p) => `${this.name}|${id}|${p}`);
  }

  /** Keys whose identifier is fixed per consumer or per step: the same strings every request. */
  private reusedKeys(pr: PolicyRequest): string[] | null {
    const by = this.config.limit_by;
    if (by === "consumer" && pr.consumer !== null) {
      const index = pr.consumer.index;
      return this.consumerKeys[index] ??= this.keysOf(`c:${pr.consumer.username}`);
    }
    if (by === "service" || by === "route") return this.fixedKeys ??= this.keysOf(this.identifier(pr)!);
    return null;
  }

  private identifier(pr: PolicyRequest): string | null {
    switch (this.config.limit_by) {
      // Kong: without a consumer (or credential) the client IP is the key.
      case "consumer": return pr.consumer !== null ? `c:${pr.consumer.username}` : `ip:${clientIpOf(pr.req)}`;
      case "credential": return pr.credentialId !== null ? `k:${pr.credentialId}` : `ip:${clientIpOf(pr.req)}`;
      case "ip": return `ip:${clientIpOf(pr.req)}`;
      case "service": return `s:${pr.pipeline.service}`;
      case "route": return `r:${pr.pipeline.route}`;
      case "header": {
        const v = pr.req.headers[this.config.header_name!];
        return typeof v === "string" ? `h:${v}` : `ip:${clientIpOf(pr.req)}`;
      }
      case "path": return pr.path === this.config.path ? `p:${this.config.path}` : null;
    }
  }

  run(pr: PolicyRequest): StepResult {
    // A synchronous store is done before anything else runs, so it can reuse this step's arrays.
    const sync = this.store instanceof LocalRateLimitStore;
    let keys = this.reusedKeys(pr);
    if (keys === null) {
      const id = this.identifier(pr);
      if (id === null) return CONTINUE;
      keys = sync ? this.scratchKeys : new Array<string>(this.periods.length);
      for (let i = 0; i < this.periods.length; i++) keys[i] = `${this.name}|${id}|${this.periods[i]}`;
    }
    const states = sync ? this.scratchStates : this.periods.map(newState);
    let result: boolean | Promise<boolean>;
    try {
      result = this.store.hit(keys, this.specs, states);
    } catch (e) {
      return this.failed(pr, e as Error);
    }
    if (typeof result === "boolean") return this.decide(pr, result, states);
    result.then(
      (allowed) => { if (this.decide(pr, allowed, states) === CONTINUE) resumeAccess(pr); },
      (e: Error) => { if (this.failed(pr, e) === CONTINUE) resumeAccess(pr); },
    );
    return PENDING;
  }

  private failed(pr: PolicyRequest, error: Error): StepResult {
    const open = this.config.fault_tolerant;
    this.onFailure(this.name, error, open);
    if (open) return CONTINUE;
    sendPolicyError(pr, GatewayErrors.RATE_LIMIT_STORE_UNAVAILABLE);
    return ANSWERED;
  }

  private decide(pr: PolicyRequest, allowed: boolean, states: LimitState[]): StepResult {
    if (pr.res.destroyed) return ANSWERED;
    const hide = this.config.hide_client_headers;
    // Allowed: the limit closest to running out. Refused: the first limit that is full.
    let tightest = -1, tightestRemaining = Infinity, tightestText = "";
    for (let i = 0; i < states.length; i++) {
      const spec = this.specs[i]!, state = states[i]!;
      const full = !allowed && usedInWindow(spec, state.current, state.previous, state.elapsedMs) + 1 > spec.limit;
      const remaining = full ? 0 : remainingOf(spec, state);
      const text = hide ? "" : decimalString(remaining);
      if (!hide) pr.addResponseHeader(this.limitHeaders[i]!, this.limitText[i]!);
      if (!hide) pr.addResponseHeader(this.remainingHeaders[i]!, text);
      if (allowed ? remaining < tightestRemaining : full && tightest === -1) { tightest = i; tightestRemaining = remaining; tightestText = text; }
    }
    const spec = this.specs[tightest]!, state = states[tightest]!;
    if (!hide) {
      pr.addResponseHeader("ratelimit-limit", this.limitText[tightest]!);
      pr.addResponseHeader("ratelimit-remaining", tightestText);
      pr.addResponseHeader("ratelimit-reset", decimalString(resetSeconds(spec, state)));
    }
    if (allowed) return CONTINUE;
    pr.deniedBy = this.name;
    sendPolicyError(pr, this.error, ["retry-after", decimalString(retryAfterSeconds(spec, state))]);
    return ANSWERED;
  }
}

function newState(): LimitState {
  return { current: 0, previous: 0, elapsedMs: 0, windowMs: 0 };
}
