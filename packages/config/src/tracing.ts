import { z } from "zod";
import { DurationMs } from "./duration.ts";

/** Header names an exporter may not set itself (the exporter owns framing and content type). */
const RESERVED_EXPORT_HEADERS = new Set(["content-type", "content-length", "transfer-encoding", "host", "connection"]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * OTLP/HTTP export of the gateway's spans (one SERVER span per request, one CLIENT span per
 * upstream attempt). Spans are batched off the request path; a failing collector never affects
 * requests, spans are dropped when the queue is full.
 */
export const OtlpExportSchema = z.strictObject({
  /** Full URL of the collector's traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. */
  endpoint: z.url({ protocol: /^https?$/, error: "An http:// or https:// URL, e.g. http://127.0.0.1:4318/v1/traces" }),
  /** Extra request headers (API keys of hosted collectors). */
  headers: z.record(z.string(), z.string()).default({}).superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a valid header name` });
      else if (RESERVED_EXPORT_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is set by the exporter itself` });
      if (!HEADER_VALUE.test(value)) ctx.addIssue({ code: "custom", path: [name], message: "Header values may not contain control characters" });
    }
  }),
  /** service.name of the exported resource. */
  serviceName: z.string().min(1).max(200).default("switchyard-gateway"),
  /** Longest a finished span waits before it is sent (the batch processor's scheduled delay). */
  batchDelay: DurationMs.default(5_000).refine((ms) => ms >= 1 && ms <= 60_000, "Between 1ms and 60s"),
  /** How long one export request may take before it is given up. */
  timeout: DurationMs.default(10_000).refine((ms) => ms >= 1 && ms <= 60_000, "Between 1ms and 60s"),
});
export type OtlpExport = z.infer<typeof OtlpExportSchema>;

/**
 * W3C Trace Context propagation (always on) and optional span export. Sampling is parent-based:
 * a request that arrives with a valid `traceparent` keeps its sampled flag; a request that starts
 * a trace is sampled with probability `sampleRatio`.
 */
export const TracingSchema = z.strictObject({
  /**
   * Share of new traces marked sampled, 0..1. Default 1, as the OpenTelemetry SDK's default
   * sampler (parent-based always-on) and Envoy's random sampling: without an exporter it only
   * sets the flag sent upstream, and with one the batch processor bounds the cost.
   */
  sampleRatio: z.number().min(0).max(1).default(1),
  otlp: OtlpExportSchema.optional(),
});
export type Tracing = z.infer<typeof TracingSchema>;
export type TracingInput = z.input<typeof TracingSchema>;
