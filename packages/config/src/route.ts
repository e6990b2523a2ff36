import { z } from "zod";
import { DurationMs } from "./duration.ts";
import { HostPatternSchema, NameSchema } from "./names.ts";
import { checkRegex } from "./regex-safety.ts";
import { RetriesSchema } from "./retries.ts";
import { HttpsRedirectSchema } from "./certificate.ts";

const SafeRegex = z.string().superRefine((source, ctx) => {
  const problem = checkRegex(source);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Istio StringMatch, plus presence tests (a header listed with `present: true` only tests presence). */
export const StringMatchSchema = z.union([
  z.strictObject({ exact: z.string() }),
  z.strictObject({ prefix: z.string() }),
  z.strictObject({ regex: SafeRegex }),
  z.strictObject({ present: z.literal(true) }),
  z.strictObject({ absent: z.literal(true) }),
]);
export type StringMatch = z.infer<typeof StringMatchSchema>;

export const HttpMethodSchema = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/** One match block: all conditions must hold (AND). A rule's blocks are alternatives (OR). */
export const RuleMatchSchema = z.strictObject({
  headers: z.record(z.string().min(1).transform((h) => h.toLowerCase()), StringMatchSchema).optional(),
  query: z.record(z.string().min(1), StringMatchSchema).optional(),
  methods: z.array(HttpMethodSchema).optional(),
  cookies: z.record(z.string().min(1), StringMatchSchema).optional(),
});
export type RuleMatch = z.infer<typeof RuleMatchSchema>;

const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "A header name (letters, digits and !#$%&'*+-.^_`|~)")
  .transform((h) => h.toLowerCase())
  .refine((h) => !["host", "content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "te", "trailer"].includes(h),
    "This header is managed by the gateway (use rewrite.authority for the host)");
const HeaderValue = z.string().max(8_192).regex(/^[^\r\n\0]*$/, "Header values cannot contain line breaks");

/** Header changes (Istio Headers.HeaderOperations): set replaces, add appends, remove deletes. */
export const HeaderOperationsSchema = z.strictObject({
  set: z.record(HeaderName, HeaderValue).optional(),
  add: z.record(HeaderName, HeaderValue).optional(),
  remove: z.array(HeaderName).optional(),
});

/** Istio HTTPRewrite: `uri` replaces the matched path prefix, `uriRegexRewrite` rewrites by regex, `authority` the Host. */
export const RewriteSchema = z.strictObject({
  uri: z.string().startsWith("/", "Must start with /").optional(),
  uriRegexRewrite: z.strictObject({ match: SafeRegex, rewrite: z.string() }).optional(),
  authority: z.string().min(1).max(261).regex(/^[A-Za-z0-9.\-:[\]]+$/, "A host or host:port").optional(),
}).refine((r) => !(r.uri !== undefined && r.uriRegexRewrite !== undefined), "Use either uri or uriRegexRewrite, not both");

/** Istio HTTPRedirect; unset parts keep the request's. */
export const RedirectSchema = z.strictObject({
  uri: z.string().startsWith("/", "Must start with /").optional(),
  authority: z.string().min(1).max(253).regex(/^[A-Za-z0-9.\-[\]:]+$/, "A host name").optional(),
  scheme: z.enum(["http", "https"]).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  redirectCode: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]).default(301),
});

/** Istio HTTPDirectResponse: the gateway answers itself. */
export const DirectResponseSchema = z.strictObject({
  status: z.number().int().min(200).max(599),
  body: z.string().max(65_536).optional(),
  contentType: z.string().max(200).default("text/plain; charset=utf-8"),
});

/**
 * Sticky split: the side of a weighted split is picked by a hash of this request attribute
 * instead of at random, so one user stays on one version while the aggregate split holds.
 */
export const StickySplitSchema = z.strictObject({
  header: z.string().min(1).transform((h) => h.toLowerCase()).optional(),
  cookie: z.string().min(1).optional(),
  clientIp: z.literal(true).optional(),
  consumer: z.literal(true).optional(),
}).refine((s) => [s.header, s.cookie, s.clientIp, s.consumer].filter((v) => v !== undefined).length === 1,
  "Stick on exactly one of header, cookie, clientIp, consumer");

/** Istio mirror + mirrorPercentage: a copy of the request, fire-and-forget. */
export const MirrorSchema = z.strictObject({
  service: NameSchema,
  subset: NameSchema.optional(),
  percentage: z.number().min(0).max(100).default(100),
});

/** gRPC status names (grpc/doc/statuscodes.md), as Istio's fault abort takes them; index = code. */
export const GRPC_STATUS_NAMES = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
] as const;

const FaultPercentage = z.number().min(0, "Between 0 and 100").max(100, "Between 0 and 100").default(100);

/**
 * Istio HTTPFaultInjection (chaos testing): delay a share of the rule's requests before they go
 * on, and/or answer a share with an error instead of forwarding them (after the delay, as
 * Envoy's fault filter does). Percentages default to 100, as Istio's translation does.
 */
export const FaultSchema = z.strictObject({
  delay: z.strictObject({
    fixedDelayMs: DurationMs.refine((ms) => ms >= 1, "At least 1ms"),
    percentage: FaultPercentage,
  }).optional(),
  abort: z.strictObject({
    /** The status answered (HTTP); a gRPC call gets it by the gRPC spec's mapping. */
    httpStatus: z.number().int().min(200, "An HTTP status from 200 to 599").max(599, "An HTTP status from 200 to 599").optional(),
    /** A gRPC status by name (UNAVAILABLE, …): answered as gRPC (HTTP 200, grpc-status). */
    grpcStatus: z.enum(GRPC_STATUS_NAMES.slice(1) as [string, ...string[]], { error: "A gRPC status name such as UNAVAILABLE (not OK)" }).optional(),
    percentage: FaultPercentage,
  }).refine((a) => (a.httpStatus === undefined) !== (a.grpcStatus === undefined), "Set either httpStatus or grpcStatus").optional(),
}).refine((f) => f.delay !== undefined || f.abort !== undefined, "Set delay, abort or both");

export const DestinationSchema = z.strictObject({
  service: NameSchema,
  subset: NameSchema.optional(),
  /** Relative weight: a destination gets weight / sum(weights) of the rule's traffic. */
  weight: z.number().int("Weight must be a whole number").min(0, "Weight cannot be negative").max(1_000_000).default(100),
});
export type Destination = z.infer<typeof DestinationSchema>;

export const RuleSchema = z.strictObject({
  name: z.string().max(100).optional(),
  /** Absent or empty: the rule matches every request that reached the route (the default rule). */
  match: z.array(RuleMatchSchema).optional(),
  /** Empty (`[]`) only when the rule answers itself (redirect or directResponse). */
  destinations: z
    .array(DestinationSchema)
    .superRefine((dests, ctx) => {
      if (dests.length > 1 && dests.every((d) => d.weight === 0)) {
        ctx.addIssue({ code: "custom", message: "At least one destination needs a weight above 0" });
      }
    }),
  timeoutMs: DurationMs.optional(),
  retries: RetriesSchema.optional(),
  rewrite: RewriteSchema.optional(),
  headers: z.strictObject({ request: HeaderOperationsSchema.optional(), response: HeaderOperationsSchema.optional() }).optional(),
  redirect: RedirectSchema.optional(),
  directResponse: DirectResponseSchema.optional(),
  stickySplit: StickySplitSchema.optional(),
  mirror: MirrorSchema.optional(),
  /** Injected delays and errors, for a share of the rule's requests (Istio `fault`). */
  fault: FaultSchema.optional(),
});
export type Rule = z.infer<typeof RuleSchema>;

/** Each rule forwards somewhere or answers itself, not both. */
function checkRuleTargets(rules: Rule[], ctx: z.RefinementCtx): void {
  rules.forEach((rule, i) => {
    const answers = (rule.redirect ? 1 : 0) + (rule.directResponse ? 1 : 0);
    if (answers > 1) ctx.addIssue({ code: "custom", path: [i, "redirect"], message: "Use either redirect or directResponse" });
    if (answers === 0 && rule.destinations.length === 0) {
      ctx.addIssue({ code: "custom", path: [i, "destinations"], message: "A rule needs at least one destination" });
    }
    if (answers > 0 && rule.destinations.length > 0) {
      ctx.addIssue({ code: "custom", path: [i, "destinations"], message: "A rule that redirects or answers directly has no destinations" });
    }
  });
}

export const PathMatchSchema = z
  .strictObject({
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

export const RouteSchema = z.strictObject({
  name: NameSchema,
  description: z.string().max(500).optional(),
  /** Empty: any host. Exact names or "*.example.com". */
  hosts: z.array(HostPatternSchema).default([]),
  path: PathMatchSchema.default({ type: "prefix", value: "/" }),
  /** Empty: any method. */
  methods: z.array(HttpMethodSchema).default([]),
  /** Remove the matched prefix before forwarding (Kong strip_path). */
  stripPath: z.boolean().default(false),
  /** Largest request body accepted, in bytes; larger ones get 413 before anything is sent upstream. */
  maxRequestBodyBytes: z.number().int().min(0).max(1_099_511_627_776).optional(),
  /** Higher wins between routes that both match; ties go to the more specific route. */
  priority: z.number().int().min(-1000).max(1000).default(0),
  /** Served over HTTPS only: plain-HTTP requests get this redirect (Kong protocols: [https]). */
  httpsRedirect: HttpsRedirectSchema.optional(),
  rules: z.array(RuleSchema).min(1, "A route needs at least one rule").superRefine(checkRuleTargets),
});
export type Route = z.infer<typeof RouteSchema>;
export type RouteInput = z.input<typeof RouteSchema>;
