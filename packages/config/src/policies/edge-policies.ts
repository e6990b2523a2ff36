import { z } from "zod";
import { HttpMethodSchema } from "../route.ts";
import { checkRegex } from "../regex-safety.ts";
import { parseCidr } from "./ip-address.ts";
import { HeaderNameSchema } from "./policy-scope.ts";

/** Kong cors plugin config. Preflights are answered by the gateway. */
export const CorsConfigSchema = z.strictObject({
  /**
   * Exact origins, "*" or a regex written as "~^https://.*\\.example\\.com$". A regex runs on
   * every request's Origin header, so it gets the same ReDoS check as a route regex.
   */
  origins: z.array(z.string().min(1).max(512).superRefine((origin, ctx) => {
    if (!origin.startsWith("~")) return;
    const problem = checkRegex(origin.slice(1));
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })).default(["*"]),
  methods: z.array(HttpMethodSchema).default(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS"]),
  /** Empty: echo Access-Control-Request-Headers. */
  headers: z.array(HeaderNameSchema).default([]),
  exposed_headers: z.array(HeaderNameSchema).default([]),
  credentials: z.boolean().default(false),
  /** Seconds a preflight may be cached. */
  max_age: z.number().int().min(0).max(86_400).optional(),
  /** Forward OPTIONS preflights upstream instead of answering them. */
  preflight_continue: z.boolean().default(false),
});
export type CorsConfig = z.infer<typeof CorsConfigSchema>;

/** An IPv4/IPv6 address or CIDR block. */
export const CidrSchema = z.string().superRefine((text, ctx) => {
  if (parseCidr(text) === null) ctx.addIssue({ code: "custom", message: `"${text}" is not an IP address or CIDR block` });
});

/** Kong ip-restriction plugin config, on the client IP the trusted-proxy rules give. */
export const IpRestrictionConfigSchema = z
  .strictObject({
    allow: z.array(CidrSchema).default([]),
    deny: z.array(CidrSchema).default([]),
    status: z.number().int().min(400).max(599).default(403),
    message: z.string().max(256).default("Your IP address is not allowed"),
  })
  .superRefine((c, ctx) => {
    if (c.allow.length === 0 && c.deny.length === 0) ctx.addIssue({ code: "custom", path: ["allow"], message: "List at least one address in allow or deny" });
  });
export type IpRestrictionConfig = z.infer<typeof IpRestrictionConfigSchema>;

/** Kong request-size-limiting plugin config. */
export const RequestSizeLimitConfigSchema = z.strictObject({
  allowed_payload_size: z.number().int().min(0).max(1_048_576).default(128),
  size_unit: z.enum(["bytes", "kilobytes", "megabytes"]).default("megabytes"),
  /** Refuse bodies without a Content-Length (411) instead of counting them as they stream. */
  require_content_length: z.boolean().default(false),
});
export type RequestSizeLimitConfig = z.infer<typeof RequestSizeLimitConfigSchema>;

const HeaderValue = z.string().max(8192).regex(/^[^\r\n\0]*$/, "No line breaks in header values");
const HeaderMap = z.record(HeaderNameSchema, HeaderValue).default({});

/** Header edits shared by the request and response transformers (applied: remove, rename, replace, add, append). */
const HeaderTransformSchema = z.strictObject({
  remove: z.array(HeaderNameSchema).default([]),
  /** old name → new name. */
  rename: z.record(HeaderNameSchema, HeaderNameSchema).default({}),
  /** Set only if the header is already there. */
  replace: HeaderMap,
  /** Set only if the header is not there. */
  add: HeaderMap,
  /** Always set, adding a value to any there. */
  append: HeaderMap,
  /** Always set, overwriting. */
  set: HeaderMap,
});

export const RequestTransformerConfigSchema = z.strictObject({ headers: HeaderTransformSchema.default({ remove: [], rename: {}, replace: {}, add: {}, append: {}, set: {} }) });
export type RequestTransformerConfig = z.infer<typeof RequestTransformerConfigSchema>;
export const ResponseTransformerConfigSchema = RequestTransformerConfigSchema;
export type ResponseTransformerConfig = z.infer<typeof ResponseTransformerConfigSchema>;

/** Kong request-termination plugin config. */
export const RequestTerminationConfigSchema = z
  .strictObject({
    status_code: z.number().int().min(100).max(599).default(503),
    message: z.string().max(4096).optional(),
    body: z.string().max(65_536).optional(),
    content_type: z.string().max(256).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.message !== undefined && c.body !== undefined) ctx.addIssue({ code: "custom", path: ["body"], message: "Use message or body, not both" });
  });
export type RequestTerminationConfig = z.infer<typeof RequestTerminationConfigSchema>;
