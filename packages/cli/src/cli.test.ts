import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "@switchyard/control-plane";
import { runCli } from "./run-cli.ts";

const ADMIN_PASSWORD = "cli-admin-password";
const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

const goodConfig = `
services:
  - name: echo
    targets:
      - { host: 127.0.0.1, port: 9100, labels: { version: v1 } }
    subsets:
      - { name: v1, labels: { version: v1 } }
routes:
  - name: echo
    path: { type: prefix, value: /echo }
    rules:
      - destinations:
          - { service: echo, subset: v1, weight: 100 }
        timeoutMs: 5s
consumers:
  - username: mobile
    credentials:
      jwt:
        - { key: issuer-a, secret: cli-hmac-secret }
settings:
  tracing:
    otlp:
      endpoint: http://127.0.0.1:12797/v1/traces
      headers: { authorization: "Bearer cli-collector-token" }
`;

const badConfig = `
services: []
routes:
  - name: broken
    path: { value: "no-slash" }
    rules:
      - destinations:
          - { service: ghost, weight: -1 }
`;

async function run(argv: string[], env: Record<string, string | undefined>, cwd: string) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd }, env);
  return { code, stdout, stderr };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("switchyard CLI against a running control plane", () => {
  let cp: ControlPlane;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sy-cli-"));
    cp = await startControlPlane({ port: 0, dataDir: dir, adminPassword: ADMIN_PASSWORD, dpToken: "t", seed: "none", log: () => {} });
    env = { SWITCHYARD_URL: cp.url, SWITCHYARD_ADMIN_PASSWORD: ADMIN_PASSWORD };
    await writeFile(path.join(dir, "good.yaml"), goodConfig);
    await writeFile(path.join(dir, "bad.yaml"), badConfig);
  });
  afterAll(async () => {
    await cp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage for --help, after a command too, and exits 0", async () => {
    for (const args of [["--help"], ["gateway", "--help"], ["apply", "-h"]]) {
      const out = await run(args, {}, dir);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain("Usage: switchyard <command> [options]");
      expect(out.stdout).toContain("[--https-port N]");
    }
  });

  it("validates offline", async () => {
    const good = await run(["validate", "-f", "good.yaml"], {}, dir);
    expect(good).toMatchObject({ code: 0, stdout: "good.yaml is valid: 1 services, 1 routes\n" });
    const bad = await run(["validate", "-f", "bad.yaml"], {}, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("routes.0.path.value: Path must start with /");
    expect(bad.stderr).toContain("routes.0.rules.0.destinations.0.weight: Weight cannot be negative");
    const missing = await run(["validate", "-f", "nope.yaml"], {}, dir);
    expect(missing).toMatchObject({ code: 1, stderr: "Error: Cannot read nope.yaml: ENOENT\n" });
  });

  it("validates an Istio MUTUAL DestinationRule by reading its certificate files beside the config", async () => {
    const { makeTestCertificate } = await import("@switchyard/config/testing");
    const client = makeTestCertificate("gateway-client");
    await writeFile(path.join(dir, "client.pem"), client.cert);
    await writeFile(path.join(dir, "client.key"), client.key);
    const istio = (key: string) => [
      "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: pay }\nspec:\n  hosts: [pay]\n  ports: [{ number: 443, name: https }]\n  endpoints: [{ address: 10.0.0.1 }]\n",
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: pay }\nspec:\n  host: pay\n  trafficPolicy:\n    tls: { mode: MUTUAL, clientCertificate: ./client.pem, privateKey: ${key} }\n`,
    ].join("---\n");
    await writeFile(path.join(dir, "istio-mutual.yaml"), istio("./client.key"));
    const read = await run(["validate", "-f", "istio-mutual.yaml"], {}, dir);
    expect(read).toMatchObject({ code: 0, stderr: "istio-mutual.yaml: read as istio config\n", stdout: "istio-mutual.yaml is valid: 1 services, 0 routes\n" });
    await writeFile(path.join(dir, "istio-mutual.yaml"), istio("./gone.key"));
    const missing = await run(["validate", "-f", "istio-mutual.yaml"], {}, dir);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain('privateKey "./gone.key" could not be read (ENOENT)');
    expect(missing.stderr).toContain("mode MUTUAL is imported as SIMPLE");
  });

  it("applies a config, then reports it unchanged, and refuses a bad one without storing it", async () => {
    const first = await run(["apply", "-f", "good.yaml", "-m", "first"], env, dir);
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^Applied: version 1 \([0-9a-f]{12}\)\n$/);
    const again = await run(["apply", "-f", "good.yaml"], env, dir);
    expect(again).toMatchObject({ code: 0, stdout: "Unchanged: version 1 already has this config\n" });
    const bad = await run(["apply", "-f", "bad.yaml"], env, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.yaml is invalid:");
    expect(bad.stderr).toContain("routes.0.rules.0.destinations.0.service: Unknown service \"ghost\"");
    const versions = await run(["status"], env, dir);
    expect(versions.stdout).toContain("Current config version: 1 ");
  });

  it("exports the current config as YAML that applies back unchanged", async () => {
    const out = await run(["export", "-o", "exported.yaml"], env, dir);
    expect(out.code).toBe(0);
    const yaml = await readFile(path.join(dir, "exported.yaml"), "utf8");
    expect(yaml).toContain("name: echo");
    expect(yaml).toContain("timeoutMs: 5000");
    expect(await run(["apply", "-f", "exported.yaml"], env, dir)).toMatchObject({ code: 0, stdout: "Unchanged: version 1 already has this config\n" });
    const stdout = await run(["export"], env, dir);
    expect(stdout.stdout).toBe(yaml);
  });

  it("exports secrets to an admin so they apply back, and refuses a file whose secrets were redacted for a viewer", async () => {
    const out = await run(["export"], env, dir);
    expect(out.stderr).toBe("");
    expect(out.stdout).toContain("secret: cli-hmac-secret");
    expect(out.stdout).toContain("authorization: Bearer cli-collector-token");
    const redacted = out.stdout.replace("cli-hmac-secret", "<redacted>").replace("Bearer cli-collector-token", "<redacted>");
    await writeFile(path.join(dir, "redacted.yaml"), redacted);
    const refused = await run(["validate", "-f", "redacted.yaml"], {}, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("consumers.0.credentials.jwt.0.secret: This value was redacted when the config was read");
    expect(refused.stderr).toContain("settings.tracing.otlp.headers.authorization: This value was redacted when the config was read");
    expect((await run(["apply", "-f", "redacted.yaml"], env, dir)).code).toBe(1);
    expect((await run(["status"], env, dir)).stdout).toContain("Current config version: 1 ");
  });

  it("shows data planes in status", async () => {
    await cp.db.prisma.dataPlane.create({
      data: { id: "gw-1", hostname: "host-a", softwareVersion: "1.0.0", appliedVersion: 1, appliedHash: "x", connected: true },
    });
    const out = await run(["status"], env, dir);
    expect(out.code).toBe(0);
    const lines = out.stdout.split("\n");
    expect(lines[1]).toMatch(/^NODE ID\s+HOSTNAME\s+CONNECTED\s+APPLIED VERSION\s+LAST SEEN\s+LAST ERROR$/);
    expect(lines[2]).toMatch(/^gw-1\s+host-a\s+yes\s+1 \(current\)\s+\d{4}-/);
  });

  it("uses an API token when SWITCHYARD_TOKEN is set", async () => {
    const login = await fetch(`${cp.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const created = await fetch(`${cp.url}/trpc/auth.createToken`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ name: "cli-test" }),
    });
    const { token } = ((await created.json()) as { result: { data: { token: string } } }).result.data;
    expect((await run(["status"], { SWITCHYARD_URL: cp.url, SWITCHYARD_TOKEN: token }, dir)).code).toBe(0);
    const bad = await run(["status"], { SWITCHYARD_URL: cp.url, SWITCHYARD_TOKEN: "syt_wrong" }, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Not authenticated");
  });

  it("explains bad credentials, missing credentials and an unreachable control plane", async () => {
    const wrong = await run(["status"], { SWITCHYARD_URL: cp.url, SWITCHYARD_ADMIN_PASSWORD: "wrong" }, dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Login as admin");
    expect(wrong.stderr).toContain("wrong username or password");
    const none = await run(["status"], { SWITCHYARD_URL: cp.url }, dir);
    expect(none).toMatchObject({ code: 1 });
    expect(none.stderr).toContain("No credentials");
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await run(["status"], { SWITCHYARD_URL: url, SWITCHYARD_TOKEN: "x" }, dir);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`Cannot reach the control plane at ${url} (ECONNREFUSED)`);
    const downLogin = await run(["status"], { SWITCHYARD_URL: url, SWITCHYARD_ADMIN_PASSWORD: "x" }, dir);
    expect(downLogin.stderr).toContain(`Cannot reach the control plane at ${url} (ECONNREFUSED)`);
  });

  it("runs as the `switchyard` bin through npx", async () => {
    const { stdout } = await promisify(execFile)("npx", ["switchyard", "status"], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    expect(stdout).toContain("Current config version: 1");
    const failed = await promisify(execFile)("npx", ["switchyard", "validate", "-f", path.join(dir, "bad.yaml")], { cwd: REPO_ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
  });

  it("diffs a file against the running version: exit 0 when equal, 1 with a unified diff when not", async () => {
    expect(await run(["diff", "-f", "good.yaml"], env, dir)).toEqual({ code: 0, stdout: "", stderr: "" });
    await writeFile(path.join(dir, "changed.yaml"), goodConfig.replace("timeoutMs: 5s", "timeoutMs: 7s"));
    const changed = await run(["diff", "-f", "changed.yaml"], env, dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("--- running (version 1)");
    expect(changed.stdout).toContain("+++ changed.yaml");
    expect(changed.stdout).toMatch(/^-\s+timeoutMs: 5000$/m);
    expect(changed.stdout).toMatch(/^\+\s+timeoutMs: 7000$/m);
    // Same meaning written differently (flow style, "5s" vs 5000, key order) is no difference.
    await writeFile(path.join(dir, "same.yaml"), goodConfig.replace("timeoutMs: 5s", "timeoutMs: 5000"));
    expect((await run(["diff", "-f", "same.yaml"], env, dir)).code).toBe(0);
    const bad = await run(["diff", "-f", "bad.yaml"], env, dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("bad.yaml is invalid:");
  });

  it("lists history and rolls back to an earlier version", async () => {
    const second = await run(["apply", "-f", "changed.yaml", "-m", "seven seconds"], env, dir);
    expect(second.stdout).toMatch(/^Applied: version 2 /);
    const history = await run(["history"], env, dir);
    const lines = history.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+CREATED\s+AUTHOR\s+ROLLOUT\s+RUNNING\s+HASH\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^2\s+\d{4}-\S+\s+admin\s+full\s+0\s+[0-9a-f]{12}\s+seven seconds$/);
    expect(lines[2]).toMatch(/^1\s+.*\sfirst$/);
    const back = await run(["rollback", "1"], env, dir);
    expect(back).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rolled back: version 3 has the config of version 1 /) });
    expect((await run(["diff", "-f", "good.yaml"], env, dir)).code).toBe(0);
    expect(await run(["rollback", "1"], env, dir)).toMatchObject({ code: 0, stdout: "Unchanged: version 3 already has the config of version 1\n" });
    const missing = await run(["rollback", "42"], env, dir);
    expect(missing).toMatchObject({ code: 1, stderr: "Error: No version 42\n" });
    expect((await run(["rollback", "x"], env, dir)).stderr).toContain("Usage: switchyard rollback <version>");
  });
});
