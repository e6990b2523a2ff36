import { z } from "zod";
import { HeaderNameSchema } from "./policy-scope.ts";

const MethodSchema = z.enum(["GET", "HEAD"]);
/** A media type as it appears in Content-Type without parameters; "*" wildcards allowed ("text/*", "*\/*"). */
const MediaTypeSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "Not a media type (type/subtype)")
  .transform((t) => t.toLowerCase());

/**
 * Kong proxy-cache plugin config (strategy memory). The cache lives in each worker's memory,
 * bounded by `memory.max_entries` and `memory.max_bytes` (least recently used entries go first),
 * and starts empty with every config version. Keyed by route rule, method, host, canonical path,
 * the query (all parameters sorted, or only `vary_query_params`), `vary_headers` and the
 * authenticated consumer. A response whose `Vary` names a header outside `vary_headers` is not
 * stored, so list e.g. accept-encoding there when the upstream compresses.
 */
export const ProxyCacheConfigSchema = z.strictObject({
  response_code: z.array(z.number().int().min(100).max(599)).min(1).default([200, 301, 404]),
  request_method: z.array(MethodSchema).min(1).default(["GET", "HEAD"]),
  content_type: z.array(MediaTypeSchema).min(1).default(["text/plain", "application/json"]),
  /** Seconds a stored response is served. */
  cache_ttl: z.number().positive().max(31_536_000).default(300),
  strategy: z.literal("memory").default("memory"),
  /** Honour Cache-Control: request no-cache/no-store/max-age, response no-store/no-cache/private/max-age/s-maxage. */
  cache_control: z.boolean().default(false),
  ignore_uri_case: z.boolean().default(false),
  vary_query_params: z.array(z.string().min(1).max(256)).default([]),
  vary_headers: z.array(HeaderNameSchema).default([]),
  /** Responses with a longer body stream through uncached (never buffered past this). */
  max_body_bytes: z.number().int().min(0).max(67_108_864).default(1_048_576),
  memory: z
    .strictObject({
      /** Kong's shared dictionary name: accepted for compatibility, not used. */
      dictionary_name: z.string().max(256).optional(),
      max_entries: z.number().int().min(1).max(1_000_000).default(10_000),
      max_bytes: z.number().int().min(1_024).max(4_294_967_296).default(67_108_864),
    })
    .prefault({}),
});
export type ProxyCacheConfig = z.infer<typeof ProxyCacheConfigSchema>;
