import { Redis } from "ioredis";
import type { RateLimitStore } from "./rate-limit-store.ts";
import type { LimitSpec, LimitState } from "./window-math.ts";

/**
 * Check-and-count for every limit of a request in one Lua script: atomic across any number of
 * gateways and one round trip. Time comes from Redis (TIME), so gateways with skewed clocks
 * still share windows. Calendar-month windows (UTC) are worked out from that time in the script
 * (civil-from-days arithmetic; Redis' Lua has no date library). ARGV: a time override ('' = Redis
 * time), then per limit: window ms, limit, sliding, calendar month. Returns {allowed, elapsed1,
 * current1, previous1, length1, ...}.
 */
const SCRIPT = `
local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end
local function days_from_civil(y, m)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + math.floor((153 * mp + 2) / 5)
  return era * 146097 + doe - 719468
end
local now
if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local n = #KEYS
local out = {1}
local idxs = {}
local lens = {}
for i = 1, n do
  local b = 1 + (i - 1) * 4
  local w = tonumber(ARGV[b + 1])
  local limit = tonumber(ARGV[b + 2])
  local sliding = ARGV[b + 3] == '1'
  local idx, start, len
  if ARGV[b + 4] == '1' then
    local y, m = civil_from_days(math.floor(now / 86400000))
    idx = y * 12 + m - 1
    start = days_from_civil(y, m) * 86400000
    local ny, nm = y, m + 1
    if nm > 12 then ny, nm = y + 1, 1 end
    len = days_from_civil(ny, nm) * 86400000 - start
    sliding = false
  else
    idx = math.floor(now / w)
    start = idx * w
    len = w
  end
  local elapsed = now - start
  idxs[i] = idx
  lens[i] = len
  local cur = tonumber(redis.call('GET', KEYS[i] .. ':' .. idx) or '0')
  local prev = 0
  if sliding then prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (idx - 1)) or '0') end
  local used = cur
  if sliding and prev > 0 then used = prev * (w - elapsed) / w + cur end
  if used + 1 > limit then out[1] = 0 end
  out[#out + 1] = elapsed
  out[#out + 1] = cur
  out[#out + 1] = prev
  out[#out + 1] = len
end
if out[1] == 1 then
  for i = 1, n do
    local k = KEYS[i] .. ':' .. idxs[i]
    redis.call('INCR', k)
    redis.call('PEXPIRE', k, lens[i] * 2 + 1000)
    out[(i - 1) * 4 + 3] = out[(i - 1) * 4 + 3] + 1
  end
end
return out
`;

export interface RedisStoreOptions {
  url: string;
  /** A call slower than this fails (and the policy's fault_tolerant decides). */
  timeoutMs: number;
  keyPrefix?: string;
  /** Time for the windows instead of Redis' own clock (tests of window edges). */
  now?: () => number;
}

type HitCommand = (numKeys: number, ...args: (string | number)[]) => Promise<number[]>;

export class RedisRateLimitStore implements RateLimitStore {
  readonly client: Redis;
  private readonly prefix: string;
  private readonly now: (() => number) | undefined;

  constructor(options: RedisStoreOptions) {
    this.prefix = options.keyPrefix ?? "sy:rl:";
    this.now = options.now;
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
    args.push(this.now ? this.now() : "");
    for (const spec of specs) args.push(spec.windowMs, spec.limit, spec.sliding ? "1" : "0", spec.calendarMonth ? "1" : "0");
    const cmd = (this.client as unknown as { syRateLimitHit: HitCommand }).syRateLimitHit;
    const out = await cmd.call(this.client, keys.length, ...args);
    for (let i = 0; i < keys.length; i++) {
      const state = states[i]!;
      state.elapsedMs = Number(out[1 + i * 4]);
      state.current = Number(out[2 + i * 4]);
      state.previous = Number(out[3 + i * 4]);
      state.windowMs = Number(out[4 + i * 4]);
    }
    return out[0] === 1;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
