import { describe, expect, it } from "vitest";
import { clientResponseHeaders, upstreamRequestHeaders } from "./forward-headers.ts";

describe("upstreamRequestHeaders", () => {
  const info = { remoteAddress: "10.1.2.3", authority: "10.0.0.1:9001" };

  it("drops hop-by-hop headers, those named in Connection, and client-sent internal ones", () => {
    const out = upstreamRequestHeaders({
      host: "api.example.com", connection: "keep-alive, X-Custom-Hop", "x-custom-hop": "1", "keep-alive": "timeout=5",
      te: "trailers", upgrade: "websocket", "proxy-authorization": "x", "transfer-encoding": "chunked", expect: "100-continue",
      "x-switchyard-flag": "NR", "x-keep": "yes", "x-forwarded-for": "1.1.1.1",
    }, info);
    expect(out).toEqual({
      "x-keep": "yes",
      host: "10.0.0.1:9001",
      "x-forwarded-for": "10.1.2.3",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "api.example.com",
      "x-request-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("keeps a sane x-request-id and replaces a bad one", () => {
    expect(upstreamRequestHeaders({ "x-request-id": "req-1" }, info)["x-request-id"]).toBe("req-1");
    expect(upstreamRequestHeaders({ "x-request-id": "a b" }, info)["x-request-id"]).not.toBe("a b");
    expect(upstreamRequestHeaders({ "x-request-id": "x".repeat(300) }, info)["x-request-id"]).toHaveLength(36);
  });
});

describe("clientResponseHeaders", () => {
  it("drops hop-by-hop headers and a spoofed gateway flag, keeps multi-valued ones", () => {
    expect(clientResponseHeaders({
      connection: "close, x-up-hop", "x-up-hop": "1", "transfer-encoding": "chunked", "x-switchyard-flag": "UF",
      "set-cookie": ["a=1", "b=2"], "content-type": "text/plain",
    })).toEqual({ "set-cookie": ["a=1", "b=2"], "content-type": "text/plain" });
  });
});
