import { z } from "zod";
import { CertificatePemSchema, PEM_CERT, PrivateKeyPemSchema } from "./certificate.ts";
import { DurationMs } from "./duration.ts";
import { LabelsSchema, NameSchema } from "./names.ts";
import { RetriesSchema } from "./retries.ts";

export const TargetSchema = z.strictObject({
  host: z.string().min(1, "Host is required").max(253),
  port: z.number().int().min(1, "Port must be 1-65535").max(65535, "Port must be 1-65535"),
  weight: z.number().int().min(0, "Weight cannot be negative").max(1000).default(100),
  labels: LabelsSchema.default({}),
});
export type Target = z.infer<typeof TargetSchema>;

/**
 * What a consistent-hash balancer hashes (Istio LoadBalancerSettings.consistentHash): exactly one
 * of a header, a cookie, the client IP or a query parameter. `algorithm` picks a ring (Ketama)
 * or a Maglev table.
 */
export const ConsistentHashSchema = z
  .strictObject({
    httpHeaderName: z.string().min(1).transform((h) => h.toLowerCase()).optional(),
    httpCookie: z.strictObject({ name: z.string().min(1) }).optional(),
    useSourceIp: z.boolean().optional(),
    httpQueryParameterName: z.string().min(1).optional(),
    algorithm: z.enum(["ring", "maglev"]).default("ring"),
  })
  .superRefine((h, ctx) => {
    const keys = [h.httpHeaderName, h.httpCookie, h.useSourceIp === true ? true : undefined, h.httpQueryParameterName].filter((k) => k !== undefined);
    if (keys.length !== 1) ctx.addIssue({ code: "custom", message: "Hash on exactly one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName" });
  });

export const LoadBalancerSchema = z
  .strictObject({
    type: z.enum(["round-robin", "least-request", "random", "consistent-hash"]).default("round-robin"),
    consistentHash: ConsistentHashSchema.optional(),
  })
  .superRefine((lb, ctx) => {
    if (lb.type === "consistent-hash" && !lb.consistentHash) {
      ctx.addIssue({ code: "custom", path: ["consistentHash"], message: "consistent-hash needs a consistentHash key" });
    }
  });

export const TimeoutsSchema = z.strictObject({
  /** TCP connect timeout (Istio connectionPool.tcp.connectTimeout, default 10s). */
  connectMs: DurationMs.optional(),
  /** Whole-request timeout including retries (Istio route timeout). */
  requestMs: DurationMs.optional(),
  /** Idle keep-alive time of pooled upstream connections. */
  idleMs: DurationMs.optional(),
});

const Limit = z.number().int().min(1).max(4_294_967_295);

/** Istio DestinationRule connectionPool; limits apply per gateway worker and destination. */
export const ConnectionPoolSchema = z.strictObject({
  tcp: z.strictObject({
    /** Connections to each target host. */
    maxConnections: Limit.optional(),
    /** Overrides `timeouts.connectMs`; default 10s. */
    connectTimeoutMs: DurationMs.optional(),
  }).optional(),
  http: z.strictObject({
    /** Requests waiting for a connection to a target once all are busy. */
    http1MaxPendingRequests: Limit.optional(),
    /** Requests in flight to the destination (also for HTTP/1.1). */
    http2MaxRequests: Limit.optional(),
    /** 1 disables keep-alive to the upstream. */
    maxRequestsPerConnection: Limit.optional(),
    /**
     * UPGRADE: speak HTTP/2 to the targets (h2c with prior knowledge; with tls SIMPLE, over TLS
     * with ALPN h2), one multiplexed connection per target (more only when its streams are all in
     * use, up to tcp.maxConnections).
     * DEFAULT and DO_NOT_UPGRADE: HTTP/1.1. Kong services with protocol grpc/grpcs import as UPGRADE.
     */
    h2UpgradePolicy: z.enum(["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"]).optional(),
    /** HTTP/2: streams opened at once on one connection, at most what the upstream allows. */
    maxConcurrentStreams: Limit.optional(),
  }).optional(),
});
export type ConnectionPool = z.infer<typeof ConnectionPoolSchema>;

/** Istio DestinationRule outlierDetection (Envoy semantics: consecutive errors eject inline). */
export const OutlierDetectionSchema = z.strictObject({
  /** 5xx responses (and connect failures, resets, timeouts) in a row before ejection; 0 disables. */
  consecutive5xxErrors: z.number().int().min(0).max(1000).default(5),
  /** 502/503/504 (and local failures) in a row before ejection; unset disables. */
  consecutiveGatewayErrors: z.number().int().min(1).max(1000).optional(),
  /** While a host stays in, its ejection multiplier drops by one per interval. */
  intervalMs: DurationMs.default(10_000),
  /** A host is ejected for baseEjectionTime × times ejected, at most max(300s, base). */
  baseEjectionTimeMs: DurationMs.default(30_000),
  /** Share of hosts that may be ejected at once; at least one host always may. */
  maxEjectionPercent: z.number().min(0).max(100).default(10),
  /** Below this share of available hosts, ejection is ignored and all hosts take traffic. */
  minHealthPercent: z.number().min(0).max(100).default(0),
});
export type OutlierDetection = z.infer<typeof OutlierDetectionSchema>;

/** Envoy retry budget: retries in flight ≤ max(minRetryConcurrency, budgetPercent × active requests). */
export const RetryBudgetSchema = z.strictObject({
  budgetPercent: z.number().min(0).max(100).default(20),
  minRetryConcurrency: z.number().int().min(0).max(10_000).default(3),
});
export type RetryBudget = z.infer<typeof RetryBudgetSchema>;

/**
 * Istio DestinationRule trafficPolicy.tls: how the gateway speaks to the targets. SIMPLE is TLS
 * with the server's certificate checked; MUTUAL also presents a client certificate (mTLS to
 * upstreams that require one). ISTIO_MUTUAL needs certificates issued by Istio's mesh CA, which
 * the gateway does not get, so it is refused rather than sent as plain TLS.
 */
export const UpstreamTlsSchema = z.strictObject({
  mode: z.enum(["DISABLE", "SIMPLE", "MUTUAL"], {
    error: (issue) => issue.input === "ISTIO_MUTUAL"
      ? "ISTIO_MUTUAL is not supported: the gateway holds no Istio-issued certificate (use MUTUAL with clientCertificate and privateKey, SIMPLE or DISABLE)"
      : "Mode must be DISABLE, SIMPLE or MUTUAL",
  }),
  /** Server name sent in the handshake and checked in the certificate; default: the target's host (none for an IP). */
  sni: z.string().min(1).max(253).optional(),
  /** Accept any certificate (Istio insecureSkipVerify): encryption without knowing who answers. */
  insecureSkipVerify: z.boolean().default(false),
  /**
   * PEM certificates of the CAs to trust instead of Node's bundled ones (inline text, where
   * Istio names a file). The shape is checked here; that each one parses, when the config
   * compiles (node:crypto), so this schema stays usable in a browser.
   */
  caCertificates: z.string().max(262_144).regex(PEM_CERT, "PEM certificates (-----BEGIN CERTIFICATE-----)").optional(),
  /** When set, the upstream's certificate must carry one of these (DNS names, IPs or URIs) instead of the host name. */
  subjectAltNames: z.array(z.string().min(1).max(1024)).min(1, "List at least one name, or leave subjectAltNames out").optional(),
  /** MUTUAL: the certificate the gateway presents (PEM, leaf first, then intermediates; inline where Istio names a file). */
  clientCertificate: CertificatePemSchema.optional(),
  /** MUTUAL: the client certificate's private key (PEM, unencrypted). A secret: viewers see it redacted. */
  privateKey: PrivateKeyPemSchema.optional(),
}).superRefine((tls, ctx) => {
  const mutual = tls.mode === "MUTUAL";
  for (const field of ["clientCertificate", "privateKey"] as const) {
    if (mutual && tls[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `MUTUAL needs ${field === "privateKey" ? "the client certificate's private key" : "a client certificate"} (PEM)` });
    if (!mutual && tls[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: "Only used with mode MUTUAL" });
  }
});
export type UpstreamTls = z.infer<typeof UpstreamTlsSchema>;

export const TrafficPolicySchema = z.strictObject({
  loadBalancer: LoadBalancerSchema.optional(),
  timeouts: TimeoutsSchema.optional(),
  connectionPool: ConnectionPoolSchema.optional(),
  outlierDetection: OutlierDetectionSchema.optional(),
  /** Default retries for routes to this destination; a rule's own `retries` replace them. */
  retries: RetriesSchema.optional(),
  retryBudget: RetryBudgetSchema.optional(),
  /** TLS to the targets; a subset's replaces the service's whole. */
  tls: UpstreamTlsSchema.optional(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicySchema>;

/** Active HTTP health check of every target of a service, run once per gateway process. */
export const HealthCheckSchema = z.strictObject({
  /** The path an HTTP check GETs (not used by a gRPC check). */
  path: z.string().startsWith("/").default("/"),
  /**
   * A gRPC health check instead (grpc.health.v1.Health/Check over HTTP/2, as Envoy's):
   * passes when the target answers SERVING for `service` ("" asks about the server as a whole).
   */
  grpc: z.strictObject({ service: z.string().max(256).default("") }).optional(),
  intervalMs: DurationMs.default(10_000),
  timeoutMs: DurationMs.default(1_000),
  /** Passing checks in a row that bring an unhealthy target back. */
  healthyThreshold: z.number().int().min(1).max(100).default(2),
  /** Failing checks in a row that take a target out. */
  unhealthyThreshold: z.number().int().min(1).max(100).default(3),
});
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

export const SubsetSchema = z.strictObject({
  name: NameSchema,
  /** Targets whose labels include all of these belong to the subset (Istio DestinationRule subsets). */
  labels: LabelsSchema.refine((l) => Object.keys(l).length > 0, "A subset needs at least one label"),
  trafficPolicy: TrafficPolicySchema.optional(),
});
export type Subset = z.infer<typeof SubsetSchema>;

export const ServiceSchema = z.strictObject({
  name: NameSchema,
  description: z.string().max(500).optional(),
  targets: z.array(TargetSchema).min(1, "A service needs at least one target"),
  subsets: z.array(SubsetSchema).default([]),
  trafficPolicy: TrafficPolicySchema.optional(),
  healthCheck: HealthCheckSchema.optional(),
});
export type Service = z.infer<typeof ServiceSchema>;
export type ServiceInput = z.input<typeof ServiceSchema>;
