import { describe, expect, it } from "vitest";
import { HTTP_TOKEN, isHeaderToken } from "./http-syntax.ts";

describe("isHeaderToken", () => {
  it("agrees with the token regex, on first sight and on every repeat, past the remembered names' limit too", () => {
    const names = ["content-type", "X-Custom_Header", "a!#$%&'*+-.^_`|~z", "", "bad name", "bad:name", "ünicode", "tab\tname", "x-ok"];
    for (let round = 0; round < 3; round++) {
      for (const name of names) expect(isHeaderToken(name), JSON.stringify(name)).toBe(HTTP_TOKEN.test(name));
    }
    for (let i = 0; i < 3000; i++) expect(isHeaderToken(`x-made-up-${i}`)).toBe(true);
    for (const name of names) expect(isHeaderToken(name), JSON.stringify(name)).toBe(HTTP_TOKEN.test(name));
  });
});
