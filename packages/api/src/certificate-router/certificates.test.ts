import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificate } from "@switchyard/config/testing";
import { refusal, startDemoApi, type ApiCaller, type DemoApi } from "../testing/demo-api.ts";
import { REDACTED_SECRET } from "@switchyard/config";

const selfSigned = (host: string, days = 30) => makeTestCertificate(host, [host], days);

/** The code and field errors of a refused call, as plain data. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; fieldErrors: { path: string; message: string }[] | null }> {
  const e = await refusal(promise);
  return { code: e.code, fieldErrors: e.fieldErrors };
}

/** The base64 body of a PEM key: what must never show up in an answer that should not carry it. */
const keyBody = (pem: string) => pem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");

describe("certificates and settings through tRPC (PGlite)", () => {
  let demo: DemoApi;
  let editor: ApiCaller;
  let viewer: ApiCaller;
  const api = selfSigned("api.example.test");
  const other = selfSigned("other.example.test");

  beforeAll(async () => {
    demo = await startDemoApi();
    editor = demo.editor;
    viewer = demo.as("viewer");
  }, 60_000);
  afterAll(async () => {
    await demo?.close();
  });

  it("adds a certificate and lists what it says about itself, never its key, to any role", async () => {
    const before = (await editor.config.current())!.version;
    const added = await editor.certificates.upsert({ certificate: { name: "api", hosts: ["api.example.test"], ...api } });
    expect(added).toMatchObject({ version: before + 1, changed: true });

    for (const who of [editor, viewer]) {
      const list = await who.certificates.list();
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ name: "api", hosts: ["api.example.test"], subject: "CN=api.example.test", issuer: "CN=api.example.test", subjectAltNames: ["DNS:api.example.test"], selfSigned: true, chainLength: 1, parseError: null });
      expect(list[0]!.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const days = (Date.parse(list[0]!.notAfter!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29);
      expect(days).toBeLessThanOrEqual(30);
      expect(JSON.stringify(list)).not.toContain(keyBody(api.key));
      expect(JSON.stringify(list)).not.toContain("PRIVATE KEY");
    }
    expect(await viewer.certificates.list({ search: "nomatch" })).toEqual([]);
    expect((await viewer.certificates.list({ search: "API.EXAMPLE" })).map((c) => c.name)).toEqual(["api"]);
  });

  it("refuses a key that is not the certificate's with a field error on `key`, storing nothing", async () => {
    const versions = await editor.config.versions();
    const bad = await failure(editor.certificates.upsert({ certificate: { name: "api", hosts: ["api.example.test"], cert: api.cert, key: other.key }, originalName: "api" }));
    expect(bad).toEqual({ code: "BAD_REQUEST", fieldErrors: [{ path: "key", message: "The private key does not belong to the certificate (CN=api.example.test)" }] });
    const notPem = await failure(editor.certificates.upsert({ certificate: { name: "x", hosts: [], cert: "hello", key: api.key } }));
    expect(notPem.fieldErrors).toEqual([{ path: "cert", message: "A PEM certificate (-----BEGIN CERTIFICATE-----)" }]);
    const noKey = await failure(editor.certificates.upsert({ certificate: { name: "new", hosts: [], cert: api.cert } }));
    expect(noKey.fieldErrors).toEqual([{ path: "key", message: "Paste or upload the private key" }]);
    const dup = await failure(editor.certificates.upsert({ certificate: { name: "api", hosts: [], ...api } }));
    expect(dup).toEqual({ code: "CONFLICT", fieldErrors: [{ path: "name", message: "This name is taken" }] });
    expect(await editor.config.versions()).toEqual(versions);
    expect((await editor.config.current())!.config.certificates![0]!.key).toBe(api.key);
  });

  it("keeps the stored key when an edit leaves it out", async () => {
    const edited = await editor.certificates.upsert({ certificate: { name: "api", hosts: ["api.example.test", "*.api.example.test"], cert: api.cert }, originalName: "api" });
    expect(edited.changed).toBe(true);
    const stored = (await editor.config.current())!.config.certificates!;
    expect(stored).toEqual([{ name: "api", hosts: ["api.example.test", "*.api.example.test"], cert: api.cert, key: api.key }]);
  });

  it("redacts private keys for viewers in config.current, config.get and config.diff; editors get them", async () => {
    const current = (await viewer.config.current())!;
    expect(current.config.certificates![0]!.key).toBe(REDACTED_SECRET);
    expect(current.config.certificates![0]!.cert).toBe(api.cert);
    const got = await viewer.config.get({ version: current.version });
    expect(got.config.certificates![0]!.key).toBe(REDACTED_SECRET);
    const diff = await viewer.config.diff({ from: 1, to: current.version });
    for (const text of [JSON.stringify(current), JSON.stringify(got), JSON.stringify(diff)]) {
      expect(text).not.toContain(keyBody(api.key));
      expect(text).not.toContain("PRIVATE KEY");
    }
    expect(diff.to.yaml).toContain(`key: ${REDACTED_SECRET}`);
    expect((await editor.config.current())!.config.certificates![0]!.key).toBe(api.key);
    expect((await editor.config.get({ version: current.version })).config.certificates![0]!.key).toBe(api.key);
    expect((await editor.config.diff({ from: 1, to: current.version })).to.yaml).toContain("BEGIN PRIVATE KEY");
    expect((await failure(viewer.certificates.upsert({ certificate: { name: "v", ...api } }))).code).toBe("FORBIDDEN");
    expect((await failure(viewer.certificates.delete({ name: "api" }))).code).toBe("FORBIDDEN");
    expect((await failure(viewer.settings.update({ settings: {} }))).code).toBe("FORBIDDEN");
  });

  it("refuses to apply a viewer's export with redacted keys, naming the key field; an editor's export round-trips", async () => {
    const versions = await editor.config.versions();
    const exported = (await viewer.config.current())!.config;
    const refused = await failure(editor.config.replace({ config: exported, message: "re-apply" }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.fieldErrors).toEqual([{ path: "certificates.0.key", message: expect.stringContaining("redacted") }]);
    const viaUpsert = await failure(editor.certificates.upsert({ certificate: { name: "api", hosts: [], cert: api.cert, key: REDACTED_SECRET }, originalName: "api" }));
    expect(viaUpsert.fieldErrors).toEqual([{ path: "key", message: expect.stringContaining("redacted") }]);
    expect(await editor.config.versions()).toEqual(versions);
    const roundTrip = await editor.config.replace({ config: (await editor.config.current())!.config, message: "re-apply" });
    expect(roundTrip).toMatchObject({ changed: false, version: versions[0]!.version });
  });

  it("deletes a certificate", async () => {
    expect((await failure(editor.certificates.delete({ name: "nope" }))).code).toBe("NOT_FOUND");
    const deleted = await editor.certificates.delete({ name: "api" });
    expect(deleted.changed).toBe(true);
    expect(await editor.certificates.list()).toEqual([]);
    expect((await editor.config.current())!.config.certificates).toBeUndefined();
  });

  it("updates settings; a bad CIDR or collector URL is a field error relative to the settings and stores nothing", async () => {
    expect(await viewer.settings.get()).toEqual({ trustedProxies: [] });
    const versions = await editor.config.versions();
    const bad = await failure(editor.settings.update({ settings: { trustedProxies: ["10.0.0.0/8", "10.0.0.0/33"], tracing: { sampleRatio: 0.5, otlp: { endpoint: "ftp://collector" } } } }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.fieldErrors?.map((e) => e.path).sort()).toEqual(["tracing.otlp.endpoint", "trustedProxies.1"]);
    expect(await editor.config.versions()).toEqual(versions);

    const settings = {
      trustedProxies: ["10.0.0.0/8", "192.168.1.1"],
      httpsRedirect: { hosts: ["legacy.example.test"], status: 308, port: 8443 },
      tracing: { sampleRatio: 0.25, otlp: { endpoint: "http://127.0.0.1:4318/v1/traces", headers: { "x-api-key": "k" }, serviceName: "edge" } },
    };
    const saved = await editor.settings.update({ settings });
    expect(saved).toMatchObject({ version: versions[0]!.version + 1, changed: true });
    expect(await editor.settings.get()).toMatchObject({ ...settings, tracing: { ...settings.tracing, otlp: { ...settings.tracing.otlp, batchDelay: 5000, timeout: 10000 } } });
    // The collector's auth header is a secret: viewers read it redacted (see secrets-redaction.test.ts).
    expect((await viewer.settings.get()).tracing!.otlp!.headers).toEqual({ "x-api-key": REDACTED_SECRET });
  });
});
