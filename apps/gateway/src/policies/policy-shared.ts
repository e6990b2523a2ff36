import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import type { Logger } from "../log.ts";
import { createLocalCounters } from "./rate-limit/local-store.ts";
import { STAT_FAIL_CLOSED, STAT_FAIL_OPEN, type JwksMessage, type PolicySharedInit } from "./policy-shared-init.ts";

const REFRESH_MS = 5 * 60_000;
const RETRY_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_JWKS_BYTES = 1_048_576;

export interface PolicyShared {
  readonly init: PolicySharedInit;
  /** Prometheus lines for the policy counters. */
  metricsText(): string;
  stop(): void;
}

/**
 * The main thread's side of policies: creates the shared counter memory the workers map, and
 * is the one place in the process that fetches JWKS documents. Only URLs from the config's
 * credentials are ever fetched (workers ask for them after compiling); a token's jku/x5u is
 * never read. Documents are refreshed every 5 minutes, and a failed refresh keeps the last
 * good keys.
 */
export function startPolicyShared(options: { redisUrl: string; log: Logger; counterEntries?: number }): PolicyShared {
  const init: PolicySharedInit = {
    counters: createLocalCounters(options.counterEntries),
    stats: new SharedArrayBuffer(8 * 4),
    redisUrl: options.redisUrl,
    jwksChannel: `switchyard:jwks:${randomUUID()}`,
  };
  const stats = new Int32Array(init.stats);
  const channel = new BroadcastChannel(init.jwksChannel);
  (channel as unknown as { unref?: () => void }).unref?.();
  const tracked = new Map<string, { doc: unknown; timer: NodeJS.Timeout | null; fetches: number }>();
  let stopped = false;

  async function fetchJwks(url: string): Promise<void> {
    const entry = tracked.get(url);
    if (!entry || stopped) return;
    entry.fetches++;
    let next = REFRESH_MS;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error", headers: { accept: "application/json" } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.length > MAX_JWKS_BYTES) throw new Error("document too large");
      const doc: unknown = JSON.parse(text);
      if (!Array.isArray((doc as { keys?: unknown })?.keys)) throw new Error("no keys array");
      entry.doc = doc;
      channel.postMessage({ type: "jwks", url, doc } satisfies JwksMessage);
    } catch (e) {
      next = RETRY_MS;
      options.log("warn", `JWKS ${url} could not be fetched (${(e as Error).message}); ${entry.doc ? "keeping the last keys" : "its tokens are refused until it can"}`);
    }
    if (stopped) return;
    entry.timer = setTimeout(() => void fetchJwks(url), next);
    entry.timer.unref();
  }

  channel.onmessage = (event) => {
    const message = (event as { data: JwksMessage }).data;
    if (message.type !== "want") return;
    for (const url of message.urls) {
      if (!/^https?:\/\//.test(url)) continue;
      const entry = tracked.get(url);
      if (entry === undefined) {
        tracked.set(url, { doc: null, timer: null, fetches: 0 });
        void fetchJwks(url);
      } else if (entry.doc !== null) {
        // A worker that started (or restarted) after the fetch.
        channel.postMessage({ type: "jwks", url, doc: entry.doc } satisfies JwksMessage);
      }
    }
  };

  return {
    init,
    metricsText() {
      return [
        "# HELP switchyard_rate_limit_store_errors_total Rate-limit checks whose counter store could not be reached, by what happened to the request.",
        "# TYPE switchyard_rate_limit_store_errors_total counter",
        `switchyard_rate_limit_store_errors_total{outcome="allowed"} ${Atomics.load(stats, STAT_FAIL_OPEN)}`,
        `switchyard_rate_limit_store_errors_total{outcome="refused"} ${Atomics.load(stats, STAT_FAIL_CLOSED)}`,
      ].join("\n") + "\n";
    },
    stop() {
      stopped = true;
      for (const entry of tracked.values()) if (entry.timer) clearTimeout(entry.timer);
      channel.close();
    },
  };
}
