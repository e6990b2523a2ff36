import { describe, expect, it } from "vitest";
import { HANDOFF, INCOMPLETE, readRequestHead, type RequestHead } from "./request-head.ts";

const MAX = 16 * 1024;
const read = (text: string) => readRequestHead(Buffer.from(text, "latin1"), 0, MAX);

describe("lean request-head reader", () => {
  it("reads a plain GET: method, target, lower-case headers, length of the head", () => {
    const text = "GET /a/b?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8 \r\nAuthorization: Bearer t\r\n\r\nGET /next";
    const head = read(text) as RequestHead;
    expect(head.method).toBe("GET");
    expect(head.url).toBe("/a/b?x=1");
    expect(head.headers).toEqual({ host: "example.com", "user-agent": "curl/8", authorization: "Bearer t" });
    expect(head.close).toBe(false);
    expect(head.length).toBe(text.indexOf("GET /next"));
  });

  it("reads from an offset (pipelined requests) and notes Connection: close", () => {
    const buf = Buffer.from("GET / HTTP/1.1\r\nhost: a\r\n\r\nHEAD /x HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n", "latin1");
    const first = readRequestHead(buf, 0, MAX) as RequestHead;
    const second = readRequestHead(buf, first.length, MAX) as RequestHead;
    expect(second.method).toBe("HEAD");
    expect(second.close).toBe(true);
    expect(first.length + second.length).toBe(buf.length);
  });

  it("waits for the rest of a partial head", () => {
    expect(read("GET / HTTP/1.1\r\nhost: a\r\n")).toBe(INCOMPLETE);
    expect(read("GET / HTTP/1.1\r\nhost: a\r\n\r")).toBe(INCOMPLETE);
  });

  it("takes a body delimited by one plain Content-Length; chunked bodies and odd lengths go to Node", () => {
    expect((read("POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\n\r\n") as RequestHead).bodyLength).toBe(0);
    expect((read("POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\n\r\nhello") as RequestHead).bodyLength).toBe(5);
    expect((read("GET /a HTTP/1.1\r\nhost: a\r\n\r\n") as RequestHead).bodyLength).toBe(0);
    expect(read("POST /a HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n")).toBe(HANDOFF);
    for (const odd of ["5, 5", "+5", "-1", "0x10", "5.0", "1234567890123456", ""]) {
      expect(read(`POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: ${odd}\r\n\r\n`)).toBe(HANDOFF);
    }
    expect(read("POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: 5\r\ncontent-length: 5\r\n\r\n")).toBe(HANDOFF);
  });

  // Each of these is either invalid (Node answers 400/431) or has per-name rules Node applies;
  // the lean reader never decides them itself.
  it.each([
    ["both framings (smuggling)", "POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 0\r\ntransfer-encoding: chunked\r\n\r\n"],
    ["bare LF inside a value", "GET / HTTP/1.1\r\nhost: a\r\nx-a: 1\nx-injected: 2\r\n\r\n"],
    ["bare CR inside a value", "GET / HTTP/1.1\r\nhost: a\r\nx-a: 1\rx\r\n\r\n"],
    ["NUL in a value", "GET / HTTP/1.1\r\nhost: a\r\nx-a: 1\u0000\r\n\r\n"],
    ["obs-fold", "GET / HTTP/1.1\r\nhost: a\r\nx-a: 1\r\n 2\r\n\r\n"],
    ["space before the colon", "GET / HTTP/1.1\r\nhost : a\r\n\r\n"],
    ["a name that is no token", "GET / HTTP/1.1\r\nhost: a\r\nx(y): 1\r\n\r\n"],
    ["a line without colon", "GET / HTTP/1.1\r\nhost: a\r\nnonsense\r\n\r\n"],
    ["a repeated header", "GET / HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n"],
    ["a repeated header in other case", "GET / HTTP/1.1\r\nHost: a\r\nhOST: b\r\n\r\n"],
    ["no Host", "GET / HTTP/1.1\r\nx-a: 1\r\n\r\n"],
    ["HTTP/1.0", "GET / HTTP/1.0\r\nhost: a\r\n\r\n"],
    ["HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
    ["an unknown method", "BREW / HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["CONNECT", "CONNECT a:443 HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["a lower-case method", "get / HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["a target with a control character", "GET /a\u0001b HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["a target with non-ASCII", "GET /\u00e9 HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["two spaces in the request line", "GET  / HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["a leading empty line", "\r\nGET / HTTP/1.1\r\nhost: a\r\n\r\n"],
    ["an upgrade", "GET /ws HTTP/1.1\r\nhost: a\r\nconnection: Upgrade\r\nupgrade: websocket\r\n\r\n"],
    ["Expect: 100-continue", "PUT / HTTP/1.1\r\nhost: a\r\nexpect: 100-continue\r\ncontent-length: 0\r\n\r\n"],
    ["__proto__ as a name", "GET / HTTP/1.1\r\nhost: a\r\n__proto__: x\r\n\r\n"],
  ])("hands off %s", (_what, text) => {
    expect(read(text)).toBe(HANDOFF);
  });

  it("hands off a head over the limit, complete or not (Node answers 431)", () => {
    const big = `GET / HTTP/1.1\r\nhost: a\r\nx-big: ${"a".repeat(MAX)}\r\n`;
    expect(read(big)).toBe(HANDOFF);
    expect(read(`${big}\r\n`)).toBe(HANDOFF);
  });
});
