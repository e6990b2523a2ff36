import { describe, expect, it } from "vitest";
import { readEnv } from "./env.ts";
import { dataPlaneSocketUrl } from "./supervisor/control-plane-client.ts";

describe("readEnv", () => {
  it("applies the documented defaults", () => {
    const env = readEnv({ SWITCHYARD_DP_TOKEN: "t" });
    expect(env).toMatchObject({ SWITCHYARD_CP_URL: "http://127.0.0.1:4000", SWITCHYARD_PROXY_PORT: 8080, SWITCHYARD_ADMIN_PORT: 9901, SWITCHYARD_LABELS: {} });
    expect(env.SWITCHYARD_CACHE_DIR).toMatch(/\.data\/gateway$/);
    expect(env.SWITCHYARD_HTTPS_PORT).toBeUndefined();
  });

  it("turns the HTTPS listener on with SWITCHYARD_HTTPS_PORT, and refuses a non-port", () => {
    expect(readEnv({ SWITCHYARD_DP_TOKEN: "t", SWITCHYARD_HTTPS_PORT: "8443" }).SWITCHYARD_HTTPS_PORT).toBe(8443);
    expect(() => readEnv({ SWITCHYARD_DP_TOKEN: "t", SWITCHYARD_HTTPS_PORT: "70000" })).toThrow(/SWITCHYARD_HTTPS_PORT/);
  });

  it("parses labels and requires a token unless standalone", () => {
    expect(readEnv({ SWITCHYARD_DP_TOKEN: "t", SWITCHYARD_LABELS: "zone=a, tier=edge" }).SWITCHYARD_LABELS).toEqual({ zone: "a", tier: "edge" });
    expect(() => readEnv({})).toThrow(/SWITCHYARD_DP_TOKEN/);
    expect(readEnv({ SWITCHYARD_CONFIG_FILE: "/x.yaml" }).SWITCHYARD_DP_TOKEN).toBeUndefined();
    expect(() => readEnv({ SWITCHYARD_DP_TOKEN: "t", SWITCHYARD_LABELS: "nope" })).toThrow(/k=v/);
  });
});

describe("dataPlaneSocketUrl", () => {
  it("derives the /dp WebSocket URL", () => {
    expect(dataPlaneSocketUrl("http://127.0.0.1:4000")).toBe("ws://127.0.0.1:4000/dp");
    expect(dataPlaneSocketUrl("https://cp.example.com/base/")).toBe("wss://cp.example.com/base/dp");
  });
});
