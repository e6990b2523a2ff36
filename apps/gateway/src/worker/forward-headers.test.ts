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

  it("on the HTTPS listener: proto https and a Forwarded element; a trusted proxy's chain is extended", () => {
    const spoofed = upstreamRequestHeaders({ host: "api.example.com:8443", forwarded: "for=6.6.6.6;proto=http", "x-forwarded-proto": "http" }, { ...info, remoteAddress: "2001:db8::1", secure: true });
    expect(spoofed["x-forwarded-proto"]).toBe("https");
    expect(spoofed.forwarded).toBe('for="[2001:db8::1]";host="api.example.com:8443";proto=https');
    const trusted = upstreamRequestHeaders({ host: "api.example.com", forwarded: "for=203.0.113.9;proto=https" }, { ...info, trustedPeer: true, secure: true });
    expect(trusted.forwarded).toBe("for=203.0.113.9;proto=https, for=10.1.2.3;host=api.example.com;proto=https");
    expect(trusted["x-forwarded-proto"]).toBe("https");
    // The plain listener adds no Forwarded of its own.
    expect(upstreamRequestHeaders({ host: "api.example.com" }, info).forwarded).toBeUndefined();
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
