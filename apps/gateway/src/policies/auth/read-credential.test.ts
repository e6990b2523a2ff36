import { describe, expect, it } from "vitest";
import { readCookie, readQueryParam, removeQueryParam } from "./read-credential.ts";

describe("credential readers", () => {
  it("reads and removes query parameters without touching others", () => {
    expect(readQueryParam("?a=1&apikey=k%2By&b", "apikey")).toBe("k+y");
    expect(readQueryParam("?apikeyx=1", "apikey")).toBeNull();
    expect(readQueryParam("?b", "b")).toBe("");
    expect(removeQueryParam("?a=1&apikey=k&b=2&apikey=j", "apikey")).toBe("?a=1&b=2");
    expect(removeQueryParam("?apikey=k", "apikey")).toBe("");
  });

  it("reads one cookie among several", () => {
    expect(readCookie("a=b; token=xyz; c=d", "token")).toBe("xyz");
    expect(readCookie("xtoken=1; token=\"q\"", "token")).toBe("q");
    expect(readCookie("a=b", "token")).toBeNull();
  });
});
