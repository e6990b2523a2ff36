import { readFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseOrThrow } from "../testing/parse-or-throw.ts";
import { exportKong } from "./kong-exporter.ts";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../importers/fixtures", name), "utf8");

const parse = parseOrThrow;

describe("Kong export", () => {
  it("round-trips Kong → Switchyard → Kong → Switchyard to the same config", () => {
    const first = parse(fixture("kong.yaml"));
    const exported = exportKong(first.config);
    const second = parse(stringify(exported.document));
    expect(second.format).toBe("kong");
    expect(second.config.routes).toEqual(first.config.routes);
    expect(second.config.services.map((s) => [s.name, s.targets, s.trafficPolicy?.loadBalancer])).toEqual(first.config.services.map((s) => [s.name, s.targets, s.trafficPolicy?.loadBalancer]));
  });

  it("keeps plugins and consumer groups across the round trip, and says keys can't be exported", () => {
    const first = parse(fixture("kong-plugins.yaml"));
    const exported = exportKong(first.config);
    const second = parse(stringify(exported.document));
    expect(second.config.policies?.map((p) => [p.type, p.scope, p.config])).toEqual(first.config.policies?.map((p) => [p.type, p.scope, p.config]));
    expect(second.config.consumers?.[0]?.groups).toEqual(["partners"]);
    expect(exported.warnings.some((w) => w.includes("can't be exported"))).toBe(true);
  });

  it("round-trips settings.tracing through a global opentelemetry plugin", () => {
    const first = parse(`settings:
  tracing:
    sampleRatio: 0.2
    otlp: { endpoint: "http://collector:4318/v1/traces", headers: { x-api-key: k }, serviceName: edge, batchDelay: 500ms }
`);
    const exported = exportKong(first.config);
    expect(exported.document.plugins).toEqual([expect.objectContaining({ name: "opentelemetry" })]);
    const second = parse(stringify(exported.document));
    expect(second.config.settings?.tracing).toEqual(first.config.settings?.tracing);
  });

  it("reports what Kong can't express: a weighted split between subsets", () => {
    const istio = parse(fixture("istio-canary.yaml"));
    const { warnings } = exportKong(istio.config);
    expect(warnings.some((w) => w.includes("weighted split has no Kong OSS equivalent"))).toBe(true);
  });

  it("writes proxy-cache with Kong's fields only, and says which of ours it left out", () => {
    const config = (memory: string) => parse(`services: []
routes: []
policies:
  - { name: cache, type: proxy-cache, config: { cache_ttl: 60, ${memory} } }
`).config;
    const plain = exportKong(config("memory: { dictionary_name: kong_cache }"));
    const plugin = (plain.document.plugins as { name: string; config: Record<string, unknown> }[]).find((p) => p.name === "proxy-cache")!;
    expect(plugin.config).not.toHaveProperty("max_body_bytes");
    expect(plugin.config.memory).toEqual({ dictionary_name: "kong_cache" });
    expect(plugin.config.cache_ttl).toBe(60);
    expect(plain.warnings.filter((w) => w.includes("proxy-cache"))).toEqual([]);

    const bounded = exportKong(config("max_body_bytes: 4096, memory: { max_entries: 50 }"));
    const bare = (bounded.document.plugins as { name: string; config: Record<string, unknown> }[]).find((p) => p.name === "proxy-cache")!;
    expect(bare.config).not.toHaveProperty("memory");
    expect(bounded.warnings).toEqual(expect.arrayContaining([
      expect.stringContaining("max_body_bytes (4096)"), expect.stringContaining("memory.max_entries (50)"),
    ]));
  });
});
