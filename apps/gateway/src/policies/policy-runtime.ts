import { BroadcastChannel } from "node:worker_threads";
import type { RateLimitConfig } from "@switchyard/config";
import type { Logger } from "../log.ts";
import type { JwtIssuer } from "./auth/consumer-directory.ts";
import { prepareJwks } from "@switchyard/routing";
import { createLocalCounters, LocalRateLimitStore } from "./rate-limit/local-store.ts";
import type { RateLimitStore } from "./rate-limit/rate-limit-store.ts";
import type { StoreFailure } from "./rate-limit/rate-limit-step.ts";
import { RedisRateLimitStore } from "./rate-limit/redis-store.ts";
import { STAT_FAIL_CLOSED, STAT_FAIL_OPEN, type JwksMessage, type PolicySharedInit } from "./policy-shared-init.ts";
import { wallClock } from "../event-clock.ts";

/** What compiled policies need from the process: counter stores, JWKS keys, failure reporting. */
export interface PolicyRuntime {
  store(config: RateLimitConfig): RateLimitStore;
  readonly onStoreFailure: StoreFailure;
  registerJwksIssuers(issuers: readonly JwtIssuer[]): void;
  close(): Promise<void>;
}

const LOG_EVERY_MS = 5_000;

/**
 * A worker's policy runtime, attached to what the main thread shares: the SharedArrayBuffer of
 * local counters (exact across workers), failure counters, and the JWKS channel. Redis
 * clients live as long as the worker, one per Redis address.
 */
export function createPolicyRuntime(shared: PolicySharedInit | null, log: Logger): PolicyRuntime {
  const local = new LocalRateLimitStore(shared?.counters ?? createLocalCounters(4096), wallClock);
  const stats = shared ? new Int32Array(shared.stats) : new Int32Array(2);
  const redis = new Map<string, RedisRateLimitStore>();
  const lastLog = new Map<string, number>();

  const onStoreFailure: StoreFailure = (policy, error, allowed) => {
    Atomics.add(stats, allowed ? STAT_FAIL_OPEN : STAT_FAIL_CLOSED, 1);
    const now = Date.now();
    if ((lastLog.get(policy) ?? 0) + LOG_EVERY_MS > now) return;
    lastLog.set(policy, now);
    log("warn", `rate-limit policy "${policy}": counter store unavailable (${error.message}); requests are ${allowed ? "allowed (fault_tolerant)" : "refused with 503"}`);
  };

  const issuersByUrl = new Map<string, JwtIssuer[]>();
  const docs = new Map<string, unknown>();
  const channel = shared ? new BroadcastChannel(shared.jwksChannel) : null;
  if (channel) {
    channel.onmessage = (event) => {
      const message = (event as { data: JwksMessage }).data;
      if (message.type !== "jwks") return;
      docs.set(message.url, message.doc);
      for (const issuer of issuersByUrl.get(message.url) ?? []) issuer.jwks = prepareJwks(message.doc, issuer.algorithmList);
    };
    (channel as unknown as { unref?: () => void }).unref?.();
  }

  return {
    store(config) {
      if (config.policy === "local") return local;
      const r = config.redis;
      const url = r?.url ?? (r?.host
        ? `redis://${r.password ? `:${encodeURIComponent(r.password)}@` : ""}${r.host}:${r.port ?? 6379}/${r.database ?? 0}`
        : shared?.redisUrl ?? "redis://127.0.0.1:6379");
      const timeout = r?.timeout ?? 200;
      const key = `${url}|${timeout}`;
      let store = redis.get(key);
      if (store === undefined) {
        store = new RedisRateLimitStore({ url, timeoutMs: timeout });
        redis.set(key, store);
      }
      return store;
    },
    onStoreFailure,
    registerJwksIssuers(issuers) {
      issuersByUrl.clear();
      const urls: string[] = [];
      for (const issuer of issuers) {
        const url = issuer.jwksUrl!;
        const list = issuersByUrl.get(url) ?? [];
        list.push(issuer);
        issuersByUrl.set(url, list);
        const doc = docs.get(url);
        if (doc !== undefined) issuer.jwks = prepareJwks(doc, issuer.algorithmList);
        else if (!urls.includes(url)) urls.push(url);
      }
      if (urls.length > 0 && channel) channel.postMessage({ type: "want", urls } satisfies JwksMessage);
      else if (urls.length > 0) log("warn", "JWKS credentials configured but this worker has no JWKS fetcher; their tokens are refused");
    },
    async close() {
      channel?.close();
      await Promise.all([...redis.values()].map((s) => s.close()));
    },
  };
}

/** For dry-run compiles (validation): builds everything, touches nothing outside. */
export const dryRunPolicyRuntime: PolicyRuntime = {
  store: () => ({ hit: () => true }),
  onStoreFailure: () => {},
  registerJwksIssuers: () => {},
  close: async () => {},
};
