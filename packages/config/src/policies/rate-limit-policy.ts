import { z } from "zod";
import { HeaderNameSchema } from "./policy-scope.ts";

export const RATE_LIMIT_PERIODS = ["second", "minute", "hour", "day", "month"] as const;
export type RateLimitPeriod = (typeof RATE_LIMIT_PERIODS)[number];

/**
 * Window length of each period, in ms. A month is counted per calendar month (UTC) at the
 * gateway, as Kong does and as monthly billing is; 30 days here is its nominal length.
 */
export const PERIOD_MS: Record<RateLimitPeriod, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  month: 2_592_000_000,
};

const Limit = z.number().int().min(1).max(1_000_000_000).optional();

/** Where the redis policy keeps counters; absent: the gateway's default Redis (SWITCHYARD_REDIS_URL). */
export const RedisSettingsSchema = z.strictObject({
  url: z.string().regex(/^rediss?:\/\//, "A redis:// or rediss:// URL").optional(),
  host: z.string().min(1).max(253).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  password: z.string().max(512).optional(),
  database: z.number().int().min(0).max(15).optional(),
  /** A Redis call slower than this counts as a failure (Kong redis.timeout), in ms. */
  timeout: z.number().int().min(1).max(60_000).default(200),
});
export type RedisSettings = z.infer<typeof RedisSettingsSchema>;

/** Kong rate-limiting plugin config. */
export const RateLimitConfigSchema = z
  .strictObject({
    second: Limit,
    minute: Limit,
    hour: Limit,
    day: Limit,
    month: Limit,
    limit_by: z.enum(["consumer", "credential", "ip", "service", "route", "header", "path"]).default("consumer"),
    /** With limit_by header: the header whose value is the key. */
    header_name: HeaderNameSchema.optional(),
    /** With limit_by path: only requests to this path count (others pass). */
    path: z.string().startsWith("/").optional(),
    policy: z.enum(["local", "redis"]).default("local"),
    /**
     * sliding (default): weighted previous + current window; fixed: counters reset on the window
     * edge. `month` is always a fixed calendar month (UTC): a quota that starts over on the 1st.
     */
    window_type: z.enum(["sliding", "fixed"]).default("sliding"),
    /** When the store can't be reached: true lets requests through, false answers 503. */
    fault_tolerant: z.boolean().default(true),
    hide_client_headers: z.boolean().default(false),
    error_code: z.number().int().min(400).max(599).default(429),
    error_message: z.string().max(256).default("API rate limit exceeded"),
    redis: RedisSettingsSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (!RATE_LIMIT_PERIODS.some((p) => c[p] !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["minute"], message: "Set at least one of second, minute, hour, day, month" });
    }
    if (c.limit_by === "header" && !c.header_name) ctx.addIssue({ code: "custom", path: ["header_name"], message: "limit_by header needs header_name" });
    if (c.limit_by === "path" && !c.path) ctx.addIssue({ code: "custom", path: ["path"], message: "limit_by path needs path" });
  });
export type RateLimitConfig = z.infer<typeof RateLimitConfigSchema>;
