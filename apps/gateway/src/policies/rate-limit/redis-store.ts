import { Redis } from "ioredis";
import type { RateLimitStore } from "./rate-limit-store.ts";
import type { LimitSpec, LimitState } from "./window-math.ts";

/**
 * Check-and-count for every limit of a request in one Lua script: atomic across any number of
 * gateways and one round trip. Time comes from Redis (TIME), so gateways with skewed clocks
 * still share windows. Returns {allowed, elapsed1, current1, previous1, ...}.
 */
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local out = {1}
local idxs = {}
for i = 1, n do
  local w = tonumber(ARGV[i * 3 - 2])
  local limit = tonumber(ARGV[i * 3 - 1])
  local sliding = ARGV[i * 3] == '1'
  local idx = math.floor(now / w)
  local elapsed = now - idx * w
  idxs[i] = idx
  local cur = tonumber(redis.call('GET', KEYS[i] .. ':' .. idx) or '0')
  local prev = 0
  if sliding then prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (idx - 1)) or '0') end
  local used = cur
  if sliding and prev > 0 then used = prev * (w - elapsed) / w + cur end
  if used + 1 > limit then out[1] = 0 end
  out[#out + 1] = elapsed
  out[#out + 1] = cur
  out[#out + 1] = prev
end
if out[1] == 1 then
  for i = 1, n do
    local w = tonumber(ARGV[i * 3 - 2])
    local k = KEYS[i] .. ':' .. idxs[i]
    redis.call('INCR', k)
    redis.call('PEXPIRE', k, w * 2 + 1000)
    out[i * 3] = out[i * 3] + 1
  end
end
return out
`;

export interface RedisStoreOptions {
  url: string;
  /** A call slower than this fails (and the policy's fault_tolerant decides). */
  timeoutMs: number;
  keyPrefix?: string;
}

type HitCommand = (numKeys: number, ...args: (string | number)[]) => Promise<number[]>;

export class RedisRateLimitStore implements RateLimitStore {
  readonly client: Redis;
  private readonly prefix: string;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? "sy:rl:";
    this.client = new Redis(options.url, {
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1_000),
      // Fail fast while disconnected instead of queueing requests behind a dead link.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: false,
    });
    // Errors surface per call; the connection's own error events would otherwise crash the worker.
    this.client.on("error", () => {});
    this.client.defineCommand("syRateLimitHit", { lua: SCRIPT });
  }

  async hit(keys: readonly string[], specs: readonly LimitSpec[], states: LimitState[]): Promise<boolean> {
    const args: (string | number)[] = [];
    for (const key of keys) args.push(this.prefix + key);
    for (const spec of specs) args.push(spec.windowMs, spec.limit, spec.sliding ? "1" : "0");
    const cmd = (this.client as unknown as { syRateLimitHit: HitCommand }).syRateLimitHit;
    const out = await cmd.call(this.client, keys.length, ...args);
    for (let i = 0; i < keys.length; i++) {
      const state = states[i]!;
      state.elapsedMs = Number(out[1 + i * 3]);
      state.current = Number(out[2 + i * 3]);
      state.previous = Number(out[3 + i * 3]);
    }
    return out[0] === 1;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
