import { describe, expect, it } from "vitest";
import { formatHost, targetOrigin } from "./target-address.ts";

describe("target address", () => {
  it("brackets IPv6 literals once, leaves names and IPv4 alone", () => {
    expect(formatHost("10.0.0.1")).toBe("10.0.0.1");
    expect(formatHost("api.internal")).toBe("api.internal");
    expect(formatHost("::1")).toBe("[::1]");
    expect(formatHost("[::1]")).toBe("[::1]");
    expect(targetOrigin("fd00::5", 8080)).toBe("http://[fd00::5]:8080");
    expect(targetOrigin("orders", 80)).toBe("http://orders:80");
  });
});
