import { generateKeyPairSync, createHmac, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import { exportJWK, SignJWT } from "jose";
import type { GatewayConfigInput } from "@switchyard/config";
import { startEchoServer, type EchoServer } from "@switchyard/demo-services";
import { startGateway, type RunningGateway } from "../../start-gateway.ts";
import { makeSnapshot } from "../../testing/fake-control-plane.ts";
import { captureLogger, proxyClient, send, waitUntil } from "../../testing/fixtures.ts";

type Alg = "RS256" | "PS256" | "ES256" | "ES384" | "ES512" | "EdDSA";
const ASYMMETRIC: [Alg, () => { publicKey: KeyObject; privateKey: KeyObject }][] = [
  ["RS256", () => generateKeyPairSync("rsa", { modulusLength: 2048 })],
  ["PS256", () => generateKeyPairSync("rsa", { modulusLength: 2048 })],
  ["ES256", () => generateKeyPairSync("ec", { namedCurve: "P-256" })],
  ["ES384", () => generateKeyPairSync("ec", { namedCurve: "P-384" })],
  ["ES512", () => generateKeyPairSync("ec", { namedCurve: "P-521" })],
  ["EdDSA", () => generateKeyPairSync("ed25519")],
];
const SECRET = "a-long-shared-secret-for-hs256-tokens!";
const now = () => Math.floor(Date.now() / 1000);

/** A loopback server that counts every request it gets (JWKS host, or the attacker's jku/x5u host). */
async function countingServer(body: () => string): Promise<{ server: Server; url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => { hits++; res.setHeader("content-type", "application/json"); res.end(body()); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

/** A compact JWS assembled by hand, for headers no well-behaved library would produce. */
function handMade(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${input}.${sign(input)}`;
}

describe("jwt policy: valid tokens and attacks", () => {
  let upstream: EchoServer;
  let gw: RunningGateway;
  let client: Pool;
  let jwksHost: Awaited<ReturnType<typeof countingServer>>;
  let attacker: Awaited<ReturnType<typeof countingServer>>;
  const keys = new Map<Alg, { publicKey: KeyObject; privateKey: KeyObject }>();
  let jwksKey: { publicKey: KeyObject; privateKey: KeyObject };
  let rsaPublicPem = "";

  beforeAll(async () => {
    for (const [alg, make] of ASYMMETRIC) keys.set(alg, make());
    rsaPublicPem = keys.get("RS256")!.publicKey.export({ type: "spki", format: "pem" }) as string;
    jwksKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = { ...(await exportJWK(jwksKey.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    jwksHost = await countingServer(() => JSON.stringify({ keys: [jwk] }));
    attacker = await countingServer(() => JSON.stringify({ keys: [] }));
    upstream = await startEchoServer({ service: "echo", version: "v1", port: 0 });
    const config: GatewayConfigInput = {
      services: [{ name: "echo", targets: [{ host: "127.0.0.1", port: upstream.port }] }],
      routes: [
        { name: "api", path: { type: "prefix", value: "/api" }, rules: [{ destinations: [{ service: "echo" }] }] },
        { name: "strict", path: { type: "prefix", value: "/strict" }, rules: [{ destinations: [{ service: "echo" }] }] },
      ],
      consumers: [
        { username: "hs-app", credentials: { jwt: [{ key: "hs-issuer", algorithms: ["HS256"], secret: SECRET }] } },
        ...ASYMMETRIC.map(([alg]) => ({
          username: `${alg.toLowerCase()}-app`,
          credentials: { jwt: [{ key: `${alg}-issuer`, algorithms: [alg], public_key: keys.get(alg)!.publicKey.export({ type: "spki", format: "pem" }) as string }] },
        })),
        { username: "jwks-app", credentials: { jwt: [{ key: "jwks-issuer", algorithms: ["ES256"], jwks_url: `${jwksHost.url}/.well-known/jwks.json` }] } },
      ],
      policies: [
        // The Kong plugin config, as users write it.
        { type: "jwt", name: "jwt", scope: { kind: "route", name: "api" }, config: {
          uri_param_names: ["jwt"], cookie_names: ["token"], header_names: ["authorization"], claims_to_verify: ["exp"],
          claims_to_headers: { sub: "x-user-id" },
        } },
        { type: "jwt", name: "jwt-strict", scope: { kind: "route", name: "strict" }, config: {
          claims_to_verify: ["exp", "nbf"], issuers: ["hs-issuer"], audiences: ["orders-api"], leeway: 5,
        } },
      ],
    };
    gw = await startGateway({ proxyPort: 0, adminPort: 0, proxyHost: "127.0.0.1", workers: 2, cacheDir: null, logger: captureLogger(), snapshot: makeSnapshot(1, config) });
    client = proxyClient(gw.proxyPort);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await upstream?.close();
    jwksHost?.server.close();
    attacker?.server.close();
  });

  const hs = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({ iss: "hs-issuer", ...claims }).setProtectedHeader({ alg: "HS256", ...header }).sign(new TextEncoder().encode(SECRET));
  const status = async (token: string, path = "/api/x") => (await send(client, path, { headers: { authorization: `Bearer ${token}` } })).status;

  it("accepts a valid token of every algorithm, from header, query and cookie, and forwards the chosen claims", async () => {
    const res = await send(client, "/api/x", { headers: { authorization: `Bearer ${await hs({ sub: "u-1", exp: now() + 60 })}` } });
    expect(res.status).toBe(200);
    expect(res.json.headers!["x-consumer-username"]).toBe("hs-app");
    expect(res.json.headers!["x-user-id"]).toBe("u-1");
    for (const [alg] of ASYMMETRIC) {
      const token = await new SignJWT({ iss: `${alg}-issuer`, exp: now() + 60 }).setProtectedHeader({ alg }).sign(keys.get(alg)!.privateKey);
      const r = await send(client, "/api/x", { headers: { authorization: `Bearer ${token}` } });
      expect(r.status, alg).toBe(200);
      expect(r.json.headers!["x-consumer-username"]).toBe(`${alg.toLowerCase()}-app`);
    }
    const t = await hs({ exp: now() + 60 });
    expect((await send(client, `/api/x?jwt=${t}`)).status).toBe(200);
    expect((await send(client, "/api/x", { headers: { cookie: `a=b; token=${t}` } })).status).toBe(200);
  });

  it("accepts tokens signed with a key from the credential's JWKS URL (fetched by the gateway, by kid)", async () => {
    const token = await new SignJWT({ iss: "jwks-issuer", exp: now() + 60 }).setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(jwksKey.privateKey);
    await waitUntil(async () => (await status(token)) === 200, 5_000, "JWKS keys to arrive");
    expect(jwksHost.hits()).toBe(1);
    const unknownKid = await new SignJWT({ iss: "jwks-issuer", exp: now() + 60 }).setProtectedHeader({ alg: "ES256", kid: "k2" }).sign(jwksKey.privateKey);
    expect(await status(unknownKid)).toBe(401);
  });

  it("rejects alg none in every spelling", async () => {
    for (const alg of ["none", "None", "NONE", "nOnE"]) {
      expect(await status(handMade({ alg, typ: "JWT" }, { iss: "hs-issuer", exp: now() + 60 }, () => "")), alg).toBe(401);
      expect(await status(handMade({ alg }, { iss: "RS256-issuer", exp: now() + 60 }, () => "")), alg).toBe(401);
    }
  });

  it("rejects HS256 signed with the RSA public key (key confusion)", async () => {
    const token = handMade({ alg: "HS256" }, { iss: "RS256-issuer", exp: now() + 60 },
      (input) => createHmac("sha256", rsaPublicPem).update(input).digest("base64url"));
    expect(await status(token)).toBe(401);
  });

  it("rejects expired, missing exp (when verified), nbf in the future, wrong iss and aud", async () => {
    expect(await status(await hs({ exp: now() - 10 }))).toBe(401);
    expect(await status(await hs({}))).toBe(401);
    const good = { exp: now() + 60, nbf: now() - 1, aud: "orders-api" };
    expect(await status(await hs(good), "/strict/x")).toBe(200);
    expect(await status(await hs({ ...good, nbf: now() + 60 }), "/strict/x")).toBe(401);
    expect(await status(await hs({ ...good, aud: "other-api" }), "/strict/x")).toBe(401);
    const wrongIss = await new SignJWT({ ...good, iss: "RS256-issuer" }).setProtectedHeader({ alg: "RS256" }).sign(keys.get("RS256")!.privateKey);
    expect(await status(wrongIss, "/strict/x")).toBe(401);
    // Within the 5 s leeway, a just-expired token still passes.
    expect(await status(await hs({ ...good, exp: now() - 2 }), "/strict/x")).toBe(200);
  });

  it("rejects a tampered payload or signature and an unknown issuer, also right after the genuine token was accepted", async () => {
    const token = await hs({ sub: "u-1", exp: now() + 60 });
    const [h, p, s] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ iss: "hs-issuer", sub: "admin", exp: now() + 60 })).toString("base64url");
    expect(await status(`${h}.${forged}.${s}`)).toBe(401);
    // Verified tokens are remembered by their signature: the same signature on another payload
    // must still be refused (and the genuine token keeps working), on every worker.
    for (let i = 0; i < 6; i++) {
      expect(await status(token)).toBe(200);
      expect(await status(`${h}.${forged}.${s}`)).toBe(401);
    }
    const flipped = s!.slice(0, -2) + (s!.slice(-2) === "AA" ? "AB" : "AA");
    expect(await status(`${h}.${p}.${flipped}`)).toBe(401);
    expect(await status(await new SignJWT({ iss: "nobody", exp: now() + 60 }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(SECRET)))).toBe(401);
    expect(await status("not.a.jwt")).toBe(401);
  });

  it("ignores jku and x5u: a token pointing at another key server is refused and that server gets no request", async () => {
    const attackerKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
    for (const header of [{ jku: `${attacker.url}/jwks.json`, kid: "evil" }, { x5u: `${attacker.url}/cert.pem` }, { jwk: await exportJWK(attackerKey.publicKey) }]) {
      for (const iss of ["jwks-issuer", "ES256-issuer"]) {
        const token = await new SignJWT({ iss, exp: now() + 60 }).setProtectedHeader({ alg: "ES256", ...header }).sign(attackerKey.privateKey);
        expect(await status(token)).toBe(401);
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(attacker.hits()).toBe(0);
  });

  it("a 401 body never contains the token", async () => {
    const token = await hs({ exp: now() - 10 });
    const res = await send(client, "/api/x", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe("Bearer");
    expect(JSON.stringify(res.json)).not.toContain(token.split(".")[2]);
  });
});
