import { describe, expect, it } from "vitest";
import { canonicalizePath } from "./canonicalize-path.ts";

describe("canonicalizePath", () => {
  it.each([
    ["/", "/"],
    ["/api/users", "/api/users"],
    ["/api/users/", "/api/users/"],
    ["/api/users?x=1&y=/..", "/api/users"],
    ["/api/users#frag", "/api/users"],
    ["//api///users", "/api/users"],
    ["/api/./users", "/api/users"],
    ["/api/admin/../users", "/api/users"],
    ["/../../etc/passwd", "/etc/passwd"],
    ["/api/%2e%2e/admin", "/admin"],
    ["/api/%2E/users", "/api/users"],
    ["/api/.%2e/x", "/x"],
    ["/a/b/..", "/a/"],
    ["/a/.", "/a/"],
    ["/%7euser/%41", "/~user/A"],
    ["/caf%c3%a9", "/caf%C3%A9"],
    ["/a%20b", "/a%20b"],
  ])("%s → %s", (raw, expected) => {
    expect(canonicalizePath(raw)).toBe(expected);
  });

  it.each([
    ["", "empty"],
    ["*", "asterisk form"],
    ["api/users", "relative"],
    ["http://example.com/x", "absolute form"],
    ["/a%2Fb", "encoded slash"],
    ["/a%2fb", "encoded slash, lower case"],
    ["/a%5Cb", "encoded backslash"],
    ["/a\\b", "backslash"],
    ["/a%00b", "encoded NUL"],
    ["/a\u0000b", "NUL"],
    ["/a%zzb", "broken escape"],
    ["/a%2", "truncated escape"],
    ["/a b", "space"],
  ])("rejects %s (%s)", (raw) => {
    expect(canonicalizePath(raw)).toBeNull();
  });

  it("is idempotent", () => {
    for (const raw of ["/a/../b//c/./d/", "/x/%2e%2e/y", "/%7e/%c3%a9"]) {
      const once = canonicalizePath(raw)!;
      expect(canonicalizePath(once)).toBe(once);
    }
  });
});
