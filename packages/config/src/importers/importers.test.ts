import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GatewayConfigSchema } from "../gateway-config.ts";
import { parseConfigText } from "../yaml.ts";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("Istio import", () => {
  const result = parseConfigText(fixture("istio-canary.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("keeps the VirtualService's first-match order as route priorities", () => {
    expect(result.format).toBe("istio");
    const [testers, split] = config.routes;
    expect(testers!.name).toBe("user-service-testers");
    expect(testers!.priority).toBeGreaterThan(split!.priority);
    expect(testers!.hosts).toEqual(["user-service"]);
    expect(testers!.rules[0]!.match).toEqual([{ headers: { "x-canary": { exact: "true" } } }]);
  });

  it("carries relative weights, a single destination, timeout and retries", () => {
    const [testers, split] = config.routes;
    expect(testers!.rules[0]!.destinations).toEqual([{ service: "user-service", subset: "v2", weight: 100 }]);
    expect(split!.rules[0]!.destinations.map((d) => [d.subset, d.weight])).toEqual([["v1", 90], ["v2", 10]]);
    expect(split!.rules[0]!.timeoutMs).toBe(5000);
    expect(split!.rules[0]!.retries).toMatchObject({ attempts: 3, perTryTimeoutMs: 2000 });
  });

  it("builds the service from the DestinationRule subsets and ServiceEntry endpoints", () => {
    const service = config.services[0]!;
    expect(service.name).toBe("user-service");
    expect(service.targets.map((t) => [t.port, t.labels.version])).toEqual([[9001, "v1"], [9002, "v2"]]);
    expect(service.subsets.map((s) => s.name)).toEqual(["v1", "v2"]);
    expect(service.trafficPolicy?.loadBalancer?.type).toBe("least-request");
  });

  it("without endpoints, takes the running config's targets, or explains what is missing", () => {
    const withoutEntry = fixture("istio-canary.yaml").split("---").slice(0, 2).join("---");
    const alone = parseConfigText(withoutEntry);
    expect(alone.ok).toBe(false);
    if (!alone.ok) expect(alone.errors[0]!.message).toContain('names service "user-service" but gives no endpoints');
    const base = GatewayConfigSchema.parse({ services: [{ name: "user-service", targets: [{ host: "10.0.0.1", port: 80, labels: { version: "v1" } }, { host: "10.0.0.2", port: 80, labels: { version: "v2" } }] }], routes: [] });
    const merged = parseConfigText(withoutEntry, { base });
    expect(merged.ok).toBe(true);
    if (merged.ok) expect(merged.config.services[0]!.targets.map((t) => t.host)).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("imports fault injection (delay and abort, their percentages; 100 when unset); warns about what it does not carry over", () => {
    const fault = "      fault:\n        delay:\n          fixedDelay: 2s\n          percentage: { value: 12.5 }\n        abort:\n          httpStatus: 503\n      gateways: [mesh]\n";
    const r = parseConfigText(fixture("istio-canary.yaml").replace("    - name: testers\n", `    - name: testers\n${fault}`));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.config.routes.flatMap((route) => route.rules.map((rule) => rule.fault)).filter(Boolean)[0]).toEqual({ delay: { fixedDelayMs: 2_000, percentage: 12.5 }, abort: { httpStatus: 503, percentage: 100 } });
    expect(r.warnings).toContain('VirtualService user-service http[0]: "gateways" is not supported and was not imported');
    const grpc = parseConfigText(fixture("istio-canary.yaml").replace("    - name: testers\n", "    - name: testers\n      fault:\n        abort: { grpcStatus: UNAVAILABLE, percent: 5 }\n        other: 1\n"));
    expect(grpc.ok && grpc.config.routes.flatMap((route) => route.rules.map((rule) => rule.fault)).filter(Boolean)[0]).toEqual({ abort: { grpcStatus: "UNAVAILABLE", percentage: 5 } });
    expect(grpc.warnings).toContain('VirtualService user-service http[0].fault: "other" is not supported and was not imported');
  });
});

describe("Istio DestinationRule traffic policy and HTTPRoute actions", () => {
  const serviceEntry = fixture("istio-canary.yaml").split("---")[2]!;
  const yaml = (destinationRule: string, virtualService: string) => [
    `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: user-service\nspec:\n  host: user-service\n${destinationRule}`,
    `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: users\nspec:\n  hosts: [users.example.com]\n  http:\n${virtualService}`,
    serviceEntry,
    "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: shadow\nspec:\n  hosts: [shadow]\n  ports: [{ number: 80, name: http }]\n  endpoints: [{ address: 127.0.0.1, ports: { http: 9009 } }]\n",
  ].join("\n---\n");
  const ok = (text: string, base?: Parameters<typeof parseConfigText>[1]) => {
    const r = parseConfigText(text, base);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r;
  };
  const route = "  - route: [{ destination: { host: user-service, subset: v1 } }]\n";

  it("maps connectionPool, outlierDetection and consistentHash, with durations in ms, for the service and per subset", () => {
    const r = ok(yaml(`  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpHeaderName: X-User
        maglev: {}
    connectionPool:
      tcp: { maxConnections: 100, connectTimeout: 250ms }
      http: { http1MaxPendingRequests: 10, http2MaxRequests: 50, maxRequestsPerConnection: 1, idleTimeout: 1m30s }
    outlierDetection:
      consecutive5xxErrors: 3
      consecutiveGatewayErrors: 0
      interval: 5s
      baseEjectionTime: 1.5m
      maxEjectionPercent: 50
      minHealthPercent: 20
  subsets:
    - name: v1
      labels: { version: v1 }
      trafficPolicy:
        loadBalancer:
          consistentHash: { httpCookie: { name: session, ttl: 0s } }
        connectionPool: { http: { http2MaxRequests: 5 } }
        outlierDetection: { consecutiveGatewayErrors: 2 }
    - name: v2
      labels: { version: v2 }
`, route));
    const svc = r.config.services.find((s) => s.name === "user-service")!;
    expect(svc.trafficPolicy).toEqual({
      loadBalancer: { type: "consistent-hash", consistentHash: { httpHeaderName: "x-user", algorithm: "maglev" } },
      connectionPool: { tcp: { maxConnections: 100, connectTimeoutMs: 250 }, http: { http1MaxPendingRequests: 10, http2MaxRequests: 50, maxRequestsPerConnection: 1 } },
      timeouts: { idleMs: 90_000 },
      outlierDetection: { consecutive5xxErrors: 3, intervalMs: 5_000, baseEjectionTimeMs: 90_000, maxEjectionPercent: 50, minHealthPercent: 20 },
    });
    const v1 = svc.subsets.find((s) => s.name === "v1")!;
    expect(v1.trafficPolicy).toEqual({
      loadBalancer: { type: "consistent-hash", consistentHash: { httpCookie: { name: "session" }, algorithm: "ring" } },
      connectionPool: { http: { http2MaxRequests: 5 } },
      // Istio defaults, as our schema fills them in.
      outlierDetection: { consecutive5xxErrors: 5, consecutiveGatewayErrors: 2, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 10, minHealthPercent: 0 },
    });
    expect(svc.subsets.find((s) => s.name === "v2")!.trafficPolicy).toBeUndefined();
    expect(r.warnings).toEqual(['DestinationRule user-service subset v1 trafficPolicy.loadBalancer.consistentHash.httpCookie: "ttl" is not supported (no cookie is generated) and was not imported']);
    expect(r.warnings.join("\n")).not.toContain("not imported yet");
  });

  it("keeps warnings for traffic policy fields without a counterpart", () => {
    const r = ok(yaml(`  trafficPolicy:
    loadBalancer: { simple: PASSTHROUGH }
    tls: { mode: ISTIO_MUTUAL }
    connectionPool: { tcp: { tcpKeepalive: { time: 7200s } }, http: { maxRetries: 3, useClientProtocol: true } }
    outlierDetection: { consecutiveLocalOriginFailures: 2, interval: soon }
  subsets:
    - { name: v1, labels: { version: v1 } }
`, route));
    expect(r.config.services.find((s) => s.name === "user-service")!.trafficPolicy?.connectionPool).toBeUndefined();
    expect(r.warnings).toEqual([
      "DestinationRule user-service trafficPolicy.loadBalancer: simple PASSTHROUGH is not supported; the default (round-robin) applies",
      'DestinationRule user-service trafficPolicy.connectionPool.tcp: "tcpKeepalive" is not supported and was not imported',
      'DestinationRule user-service trafficPolicy.connectionPool.http: "maxRetries" is not supported and was not imported',
      'DestinationRule user-service trafficPolicy.connectionPool.http: "useClientProtocol" is not supported and was not imported',
      'DestinationRule user-service trafficPolicy.outlierDetection: "consecutiveLocalOriginFailures" is not supported and was not imported',
      'DestinationRule user-service trafficPolicy.outlierDetection.interval: "soon" is not a duration; not imported',
      "DestinationRule user-service trafficPolicy.tls: mode ISTIO_MUTUAL is imported as SIMPLE: its client certificate comes from Istio's mesh CA, which the gateway has no part in (set mode MUTUAL with a certificate the upstream trusts)",
    ]);
  });

  it("maps rewrite, headers, mirror with mirrorPercentage, redirect and directResponse onto the rule", () => {
    const r = ok(yaml("  subsets: [{ name: v1, labels: { version: v1 } }]\n", `  - name: api
    match: [{ uri: { prefix: /api } }]
    rewrite: { uri: /v2, authority: backend.internal }
    headers:
      request: { set: { x-env: prod }, add: { x-trace: "1" }, remove: [x-debug, Host] }
      response: { remove: [server] }
    mirror: { host: shadow }
    mirrorPercentage: { value: 12.5 }
    timeout: 1.5s
    route: [{ destination: { host: user-service, subset: v1 } }]
  - name: old
    match: [{ uri: { exact: /old } }]
    redirect: { uri: /new, redirectCode: 308 }
  - name: gone
    match: [{ uri: { prefix: /gone } }]
    directResponse: { status: 410, body: { string: gone } }
`));
    const byName = Object.fromEntries(r.config.routes.map((x) => [x.name, x.rules[0]!]));
    expect(byName["users-api"]).toMatchObject({
      timeoutMs: 1_500,
      rewrite: { uri: "/v2", authority: "backend.internal" },
      headers: { request: { set: { "x-env": "prod" }, add: { "x-trace": "1" }, remove: ["x-debug"] }, response: { remove: ["server"] } },
      mirror: { service: "shadow", percentage: 12.5 },
    });
    expect(byName["users-old"]).toMatchObject({ redirect: { uri: "/new", redirectCode: 308 }, destinations: [] });
    expect(byName["users-gone"]).toMatchObject({ directResponse: { status: 410, body: "gone" }, destinations: [] });
    expect(r.config.services.find((s) => s.name === "shadow")!.targets[0]!.port).toBe(9009);
    expect(r.warnings).toEqual(['VirtualService users http[0].headers.request: header "Host" is managed by the gateway; not imported']);
  });

  it("turns corsPolicy into a cors policy on each route made from the entry, laid over the running policies by name", () => {
    const text = yaml("  subsets: [{ name: v1, labels: { version: v1 } }]\n", `  - name: web
    match: [{ uri: { prefix: /a } }, { uri: { prefix: /b } }]
    corsPolicy:
      allowOrigins: [{ exact: "https://app.example.com" }, { prefix: "https://preview." }, { regex: "https://.*[.]dev" }]
      allowMethods: [get, POST]
      allowHeaders: [Authorization, X-Request-Id]
      exposeHeaders: [X-Total]
      maxAge: 24h
      allowCredentials: true
      unmatchedPreflights: IGNORE
    route: [{ destination: { host: user-service, subset: v1 } }]
`);
    const base = GatewayConfigSchema.parse({ services: [], routes: [], policies: [{ type: "rate-limit", name: "everyone", config: { minute: 100 } }] });
    const r = ok(text, { base });
    expect(r.config.policies!.map((p) => p.name)).toEqual(["everyone", "users-web-0-cors", "users-web-1-cors"]);
    const cors = r.config.policies!.find((p) => p.name === "users-web-0-cors")!;
    expect(cors.scope).toEqual({ kind: "route", name: "users-web-0" });
    expect(cors.config).toEqual({
      origins: ["https://app.example.com", "~^https://preview\\.", "~^(?:https://.*[.]dev)$"],
      methods: ["GET", "POST"],
      headers: ["authorization", "x-request-id"],
      exposed_headers: ["x-total"],
      credentials: true,
      max_age: 86_400,
      preflight_continue: false,
    });
    expect(r.warnings).toEqual(['VirtualService users http[0].corsPolicy: "unmatchedPreflights" is not supported and was not imported']);
    // Importing again replaces the imported policies in place instead of adding copies.
    const again = ok(text, { base: r.config });
    expect(again.config.policies!.map((p) => p.name)).toEqual(["everyone", "users-web-0-cors", "users-web-1-cors"]);
  });
});

describe("Kong declarative import", () => {
  const result = parseConfigText(fixture("kong.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("maps services, upstream targets with weights and the balancing algorithm", () => {
    expect(result.format).toBe("kong");
    const users = config.services.find((s) => s.name === "user-service")!;
    expect(users.targets.map((t) => [t.host, t.port, t.weight])).toEqual([["127.0.0.1", 9001, 70], ["127.0.0.1", 9002, 30]]);
    expect(users.trafficPolicy?.loadBalancer?.type).toBe("round-robin");
    expect(users.trafficPolicy?.timeouts).toEqual({ connectMs: 2000, requestMs: 15000 });
    expect(config.services.find((s) => s.name === "order-service")!.targets[0]).toMatchObject({ host: "127.0.0.1", port: 9003 });
  });

  it("maps routes: paths as alternatives, ~ as regex, strip_path defaulting to true, headers", () => {
    const byName = Object.fromEntries(config.routes.map((r) => [r.name, r]));
    expect(byName.users).toMatchObject({ path: { type: "prefix", value: "/api/users" }, methods: ["GET", "POST"], stripPath: false });
    expect(byName["legacy-0"]).toMatchObject({ path: { type: "prefix", value: "/v0/users" }, stripPath: true });
    expect(byName["legacy-1"]).toMatchObject({ path: { type: "regex", value: "/v0/people/\\d+$" }, stripPath: false });
    expect(byName.orders!.rules[0]!.match).toEqual([{ headers: { "x-region": { regex: "eu|us" } } }]);
  });
});

describe("Kubernetes Ingress import", () => {
  it("maps hosts, paths, strip-path, backends and the KongPlugins the Ingress names", () => {
    const result = parseConfigText(fixture("ingress.yaml"));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.format).toBe("kubernetes");
    expect(result.config.routes[0]).toMatchObject({ hosts: ["shop.example.com"], path: { type: "prefix", value: "/cart" }, stripPath: true });
    expect(result.config.services[0]!.targets[0]).toMatchObject({ host: "cart.prod.svc", port: 8080 });
    expect(result.config.policies).toEqual([expect.objectContaining({ type: "rate-limit", scope: { kind: "route", name: "shop-0" }, config: expect.objectContaining({ minute: 100, policy: "redis" }) })]);
  });
});

describe("format detection", () => {
  it("reads our own format unchanged and rejects unknown multi-document input", () => {
    const own = parseConfigText("services: []\nroutes: []\n");
    expect(own.ok && own.format).toBe("switchyard");
    const unknown = parseConfigText("a: 1\n---\nb: 2\n");
    expect(unknown.ok).toBe(false);
  });
});

describe("Kong plugins and consumers", () => {
  const result = parseConfigText(fixture("kong-plugins.yaml"));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const { config } = result;

  it("maps rate-limiting as written (minute: 100, policy: redis), incl. Kong's flat redis fields", () => {
    const rl = config.policies!.find((p) => p.type === "rate-limit")!;
    expect(rl.scope).toEqual({ kind: "route", name: "users" });
    expect(rl.config).toMatchObject({ minute: 100, policy: "redis", redis: { host: "127.0.0.1", port: 6379 } });
    expect(result.warnings).toContain('plugin rate-limiting (route users): "sync_rate" is not supported and was not imported');
  });

  it("maps the jwt plugin's token sources and claims", () => {
    const jwt = config.policies!.find((p) => p.type === "jwt")!;
    expect(jwt.scope).toEqual({ kind: "service", name: "order-service" });
    expect(jwt.config).toMatchObject({ uri_param_names: ["jwt"], cookie_names: ["token"], header_names: ["authorization"], claims_to_verify: ["exp"] });
  });

  it("imports consumers with hashed keys, jwt secrets and acl groups; warns about unsupported plugins", () => {
    const consumer = config.consumers!.find((c) => c.username === "mobile-app")!;
    expect(consumer.groups).toEqual(["partners"]);
    expect(consumer.credentials.key_auth[0]!.key_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(config)).not.toContain("mobile-secret-key");
    expect(consumer.credentials.jwt[0]).toMatchObject({ key: "mobile-issuer", algorithms: ["HS256"] });
    const other = parseConfigText("_format_version: \"3.0\"\nplugins:\n  - name: zipkin\n");
    expect(other.ok && other.warnings).toContain("plugin zipkin (global): plugin is not supported; not imported");
  });

  it("lays imported consumers over the running ones by username instead of replacing them all", () => {
    const running = GatewayConfigSchema.parse({
      services: [], routes: [],
      consumers: [{ username: "portal-app" }, { username: "mobile-app", groups: ["old"] }],
    });
    const merged = parseConfigText(fixture("kong-plugins.yaml"), { base: running });
    if (!merged.ok) throw new Error(JSON.stringify(merged.errors));
    const names = merged.config.consumers!.map((c) => c.username);
    expect(names).toContain("portal-app");
    expect(names.filter((n) => n === "mobile-app")).toHaveLength(1);
    expect(merged.config.consumers!.find((c) => c.username === "mobile-app")!.groups).toEqual(["partners"]);
  });

  it("maps proxy-cache (strategy memory) with Kong's defaults; storage_ttl is reported, dictionary_name kept", () => {
    const cache = config.policies!.find((p) => p.type === "proxy-cache")!;
    expect(cache.scope).toEqual({ kind: "global" });
    expect(cache.config).toMatchObject({
      strategy: "memory", cache_ttl: 30, content_type: ["application/json"], vary_headers: ["accept-language"],
      response_code: [200, 301, 404], request_method: ["GET", "HEAD"], cache_control: false, memory: { dictionary_name: "kong_db_cache" },
    });
    expect(result.warnings).toContain('plugin proxy-cache (global): "storage_ttl" is not supported and was not imported');
    expect(result.warnings.some((w) => w.includes("proxy-cache") && w.includes("plugin is not supported"))).toBe(false);
  });
});

describe("Kong opentelemetry plugin", () => {
  const kong = (plugins: string) => `_format_version: "3.0"\nservices:\n  - name: users\n    url: http://127.0.0.1:9001\n    plugins:\n      - name: opentelemetry\n        config: { traces_endpoint: "http://scoped:4318/v1/traces" }\nplugins:\n${plugins}`;

  it("maps endpoint, headers, sampling_rate, service.name and the batch delay to settings.tracing; reports the rest", () => {
    const result = parseConfigText(kong(`  - name: opentelemetry
    config:
      traces_endpoint: http://otel-collector:4318/v1/traces
      headers: { X-Auth: secret }
      sampling_rate: 0.25
      resource_attributes: { service.name: kong-edge, deployment.environment: prod }
      queue: { max_coalescing_delay: 2, max_batch_size: 200 }
      header_type: b3
      http_response_header_for_traceid: x-trace
      connect_timeout: null
`));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.settings?.tracing).toEqual({
      sampleRatio: 0.25,
      otlp: { endpoint: "http://otel-collector:4318/v1/traces", headers: { "X-Auth": "secret" }, serviceName: "kong-edge", batchDelay: 2000, timeout: 10_000 },
    });
    expect(result.warnings).toEqual(expect.arrayContaining([
      "plugin opentelemetry (service users): only one opentelemetry plugin is imported; this one was not",
      'plugin opentelemetry (global): "http_response_header_for_traceid" is not supported and was not imported',
      'plugin opentelemetry (global): resource attribute "deployment.environment" is not supported and was not imported',
      'plugin opentelemetry (global): "queue.max_batch_size" is not supported and was not imported',
      "plugin opentelemetry (global): header_type b3 is not supported; W3C traceparent is used",
    ]));
    expect(result.warnings.some((w) => w.includes("connect_timeout"))).toBe(false);
  });

  it("imports a scoped plugin as gateway-wide (older `endpoint` field), with a warning", () => {
    const result = parseConfigText(kong("  []\n").replace("traces_endpoint", "endpoint"));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.settings?.tracing?.otlp?.endpoint).toBe("http://scoped:4318/v1/traces");
    expect(result.warnings).toContain("plugin opentelemetry (service users): tracing is gateway-wide here; imported as settings.tracing for all routes");
    expect(result.warnings.some((w) => w.includes("no sampling_rate"))).toBe(true);
  });

  it("fails field by field on an endpoint that is not an http(s) URL", () => {
    const result = parseConfigText(kong(`  - name: opentelemetry\n    config: { traces_endpoint: "grpc://collector:4317" }\n`));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain("settings.tracing.otlp.endpoint");
  });

  it("keeps the running settings when an import brings tracing", () => {
    const base = GatewayConfigSchema.parse({ settings: { trustedProxies: ["10.0.0.0/8"] } });
    const result = parseConfigText(kong(`  - name: opentelemetry\n    config: { traces_endpoint: "http://c:4318/v1/traces", sampling_rate: 1 }\n`), { base });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.settings?.trustedProxies).toEqual(["10.0.0.0/8"]);
    expect(result.config.settings?.tracing?.otlp?.endpoint).toBe("http://c:4318/v1/traces");
  });
});
