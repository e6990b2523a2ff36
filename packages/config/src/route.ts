import { z } from "zod";
import { DurationMs } from "./duration.ts";
import { HostPatternSchema, NameSchema } from "./names.ts";
import { checkRegex } from "./regex-safety.ts";

const SafeRegex = z.string().superRefine((source, ctx) => {
  const problem = checkRegex(source);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Istio StringMatch, plus presence tests (a header listed with `present: true` only tests presence). */
export const StringMatchSchema = z.union([
  z.object({ exact: z.string() }).strict(),
  z.object({ prefix: z.string() }).strict(),
  z.object({ regex: SafeRegex }).strict(),
  z.object({ present: z.literal(true) }).strict(),
  z.object({ absent: z.literal(true) }).strict(),
]);
export type StringMatch = z.infer<typeof StringMatchSchema>;

export const HttpMethodSchema = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/** One match block: all conditions must hold (AND). A rule's blocks are alternatives (OR). */
export const RuleMatchSchema = z.object({
  headers: z.record(z.string().min(1).transform((h) => h.toLowerCase()), StringMatchSchema).optional(),
  query: z.record(z.string().min(1), StringMatchSchema).optional(),
  methods: z.array(HttpMethodSchema).optional(),
});
export type RuleMatch = z.infer<typeof RuleMatchSchema>;

export const DestinationSchema = z.object({
  service: NameSchema,
  subset: NameSchema.optional(),
  /** Relative weight: a destination gets weight / sum(weights) of the rule's traffic. */
  weight: z.number().int("Weight must be a whole number").min(0, "Weight cannot be negative").max(1_000_000).default(100),
});
export type Destination = z.infer<typeof DestinationSchema>;

export const RetriesSchema = z.object({
  attempts: z.number().int().min(0).max(10).default(2),
  perTryTimeoutMs: DurationMs.optional(),
  retryOn: z.array(z.string()).default(["connect-failure", "refused-stream", "unavailable", "cancelled"]),
});

export const RuleSchema = z.object({
  name: z.string().max(100).optional(),
  /** Absent or empty: the rule matches every request that reached the route (the default rule). */
  match: z.array(RuleMatchSchema).optional(),
  destinations: z
    .array(DestinationSchema)
    .min(1, "A rule needs at least one destination")
    .superRefine((dests, ctx) => {
      if (dests.length > 1 && dests.every((d) => d.weight === 0)) {
        ctx.addIssue({ code: "custom", message: "At least one destination needs a weight above 0" });
      }
    }),
  timeoutMs: DurationMs.optional(),
  retries: RetriesSchema.optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

export const PathMatchSchema = z
  .object({
    type: z.enum(["prefix", "exact", "regex"]).default("prefix"),
    value: z.string().min(1, "Path is required"),
  })
  .superRefine((p, ctx) => {
    if (p.type === "regex") {
      const problem = checkRegex(p.value);
      if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: problem });
      return;
    }
    if (!p.value.startsWith("/")) ctx.addIssue({ code: "custom", path: ["value"], message: "Path must start with /" });
    else if (/[\s?#]/.test(p.value) || /\/\.\.?(\/|$)/.test(p.value) || p.value.includes("//")) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "Path must be canonical: no spaces, '?', '#', '//', '.' or '..' segments" });
    }
  });
export type PathMatch = z.infer<typeof PathMatchSchema>;

export const RouteSchema = z.object({
  name: NameSchema,
  description: z.string().max(500).optional(),
  /** Empty: any host. Exact names or "*.example.com". */
  hosts: z.array(HostPatternSchema).default([]),
  path: PathMatchSchema.default({ type: "prefix", value: "/" }),
  /** Empty: any method. */
  methods: z.array(HttpMethodSchema).default([]),
  /** Remove the matched prefix before forwarding (Kong strip_path). */
  stripPath: z.boolean().default(false),
  /** Higher wins between routes that both match; ties go to the more specific route. */
  priority: z.number().int().min(-1000).max(1000).default(0),
  rules: z.array(RuleSchema).min(1, "A route needs at least one rule"),
});
export type Route = z.infer<typeof RouteSchema>;
export type RouteInput = z.input<typeof RouteSchema>;
