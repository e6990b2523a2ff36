import { describe, expect, it } from "vitest";
import { GatewayConfigSchema, toFieldErrors } from "./index.ts";

const errors = (tracing: unknown) => {
  const r = GatewayConfigSchema.safeParse({ settings: { tracing } });
  return r.success ? [] : toFieldErrors(r.error).map((e) => [e.path, e.message]);
};

describe("settings.tracing", () => {
  it("is optional, and defaults to sampling every new trace without export", () => {
    expect(GatewayConfigSchema.parse({}).settings).toBeUndefined();
    expect(GatewayConfigSchema.parse({ settings: {} }).settings).toEqual({ trustedProxies: [] });
    expect(GatewayConfigSchema.parse({ settings: { tracing: {} } }).settings?.tracing).toEqual({ sampleRatio: 1 });
  });

  it("fills the OTLP export defaults and stores durations as milliseconds", () => {
    const parsed = GatewayConfigSchema.parse({ settings: { tracing: { sampleRatio: 0.1, otlp: { endpoint: "https://otel.example.com/v1/traces", batchDelay: "250ms" } } } });
    expect(parsed.settings?.tracing).toEqual({
      sampleRatio: 0.1,
      otlp: { endpoint: "https://otel.example.com/v1/traces", headers: {}, serviceName: "switchyard-gateway", batchDelay: 250, timeout: 10_000 },
    });
    // A stored snapshot parses to itself.
    expect(GatewayConfigSchema.parse(parsed)).toEqual(parsed);
  });

  it("reports bad values on the field", () => {
    expect(errors({ sampleRatio: 1.5 })).toEqual([["settings.tracing.sampleRatio", expect.stringContaining("<=1")]]);
    expect(errors({ otlp: { endpoint: "collector:4318" } })).toEqual([["settings.tracing.otlp.endpoint", expect.stringContaining("http://")]]);
    expect(errors({ otlp: { endpoint: "grpc://collector:4317" } })).toEqual([["settings.tracing.otlp.endpoint", expect.stringContaining("http://")]]);
    expect(errors({ otlp: { endpoint: "http://c/v1/traces", headers: { "bad name": "x", "Content-Type": "text/plain", ok: "a\nb" } } })).toEqual([
      ["settings.tracing.otlp.headers.bad name", '"bad name" is not a valid header name'],
      ["settings.tracing.otlp.headers.Content-Type", '"Content-Type" is set by the exporter itself'],
      ["settings.tracing.otlp.headers.ok", "Header values may not contain control characters"],
    ]);
    expect(errors({ otlp: { endpoint: "http://c/v1/traces", batchDelay: "soon" } })[0]?.[0]).toBe("settings.tracing.otlp.batchDelay");
    expect(errors({ otlp: { endpoint: "http://c/v1/traces", timeout: "2m" } })[0]?.[0]).toBe("settings.tracing.otlp.timeout");
  });
});
