import { afterAll, describe, expect, it } from "vitest";
import { startEchoServer } from "./echo-server.ts";

describe("startEchoServer", async () => {
  const server = await startEchoServer({ service: "user-service", version: "v2", port: 0 });
  afterAll(() => server.close());

  it("echoes the request as JSON with the version header", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/users/1?x=1`, { method: "POST", body: "hello", headers: { "x-test": "a" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-demo-version")).toBe("v2");
    const body = (await res.json()) as { headers: Record<string, string> };
    expect(body).toMatchObject({ service: "user-service", version: "v2", method: "POST", path: "/api/users/1", query: { x: "1" }, bodyBytes: 5 });
    expect(body.headers["x-test"]).toBe("a");
    expect(server.requests).toBe(1);
  });

  it("honors the status knob", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/?status=503`);
    expect(res.status).toBe(503);
  });
});
