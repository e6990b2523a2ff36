// `npm start`: builds the console if needed, then runs the whole system on one machine on embedded
// defaults (PGlite when DATABASE_URL is unset): demo upstreams, control plane, gateway, console.
// Ctrl-C stops everything; data persists in SWITCHYARD_DATA_DIR (default ./.data).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const ports = {
  console: port("SWITCHYARD_CONSOLE_PORT", 3000),
  controlPlane: port("SWITCHYARD_CP_PORT", 4000),
  proxy: port("SWITCHYARD_PROXY_PORT", 8080),
  admin: port("SWITCHYARD_ADMIN_PORT", 9901),
  demoBase: port("SWITCHYARD_DEMO_BASE_PORT", 9001),
};
const dataDir = path.resolve(env.SWITCHYARD_DATA_DIR ?? path.join(root, ".data"));
const log = (msg: string) => console.log(`[start] ${msg}`);

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;
/** Set when the control plane generated the admin password at this start (it prints it once). */
let generatedPassword: string | null = null;

main().catch((err) => {
  console.error(`[start] ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const dpToken = env.SWITCHYARD_DP_TOKEN ?? loadOrCreateSecret("dpToken");
  await assertPortsFree();

  if (env.SWITCHYARD_SKIP_BUILD !== "1") {
    log("building the console (cached after the first run)…");
    const build = spawnSync("npx", ["turbo", "run", "build", "--filter=@switchyard/console", "--output-logs=errors-only"], {
      cwd: root, stdio: "inherit", env: { ...env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) throw new Error("console build failed");
  }

  const common = { ...env, SWITCHYARD_DP_TOKEN: dpToken, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_DEMO_BASE_PORT: String(ports.demoBase) };
  const cpUrl = `http://127.0.0.1:${ports.controlPlane}`;

  log("starting demo services…");
  run("demo", ["apps/demo-services/src/main.ts"], common);
  await waitForHttp(`http://127.0.0.1:${ports.demoBase}/`, "demo services");

  log(`starting the control plane (${env.DATABASE_URL ? "Postgres at DATABASE_URL" : `embedded PGlite in ${path.join(dataDir, "pglite")}`})…`);
  run("control-plane", ["apps/control-plane/src/main.ts"], { ...common, SWITCHYARD_CP_PORT: String(ports.controlPlane) });
  await waitForHttp(`${cpUrl}/healthz`, "control plane");

  log("starting the gateway…");
  run("gateway", ["apps/gateway/src/main.ts"], {
    ...common,
    SWITCHYARD_CP_URL: cpUrl,
    SWITCHYARD_PROXY_PORT: String(ports.proxy),
    SWITCHYARD_ADMIN_PORT: String(ports.admin),
    SWITCHYARD_CACHE_DIR: env.SWITCHYARD_CACHE_DIR ?? path.join(dataDir, "gateway"),
  });
  await waitForHttp(`http://127.0.0.1:${ports.admin}/ready`, "gateway");

  log("starting the console…");
  run("console", [path.join(root, "apps/console/server.ts")], {
    ...common,
    PORT: String(ports.console),
    SWITCHYARD_CP_URL: cpUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  }, path.join(root, "apps/console"));
  await waitForHttp(`http://127.0.0.1:${ports.console}/login`, "console");

  const login = env.SWITCHYARD_ADMIN_PASSWORD
    ? "log in as admin with SWITCHYARD_ADMIN_PASSWORD"
    : generatedPassword
      ? `log in as admin / ${generatedPassword} — generated now and shown only this once`
      : "log in as admin with the password printed at the first start (or set SWITCHYARD_ADMIN_PASSWORD)";
  console.log(`
  Switchyard is running
    console        http://localhost:${ports.console}        (${login})
    control plane  http://localhost:${ports.controlPlane}        (tRPC at /trpc, data planes at /dp)
    gateway        http://localhost:${ports.proxy}        (try: curl localhost:${ports.proxy}/api/users)
    gateway admin  http://127.0.0.1:${ports.admin}   (/ready /live /metrics)
    demo services  http://127.0.0.1:${ports.demoBase}-${ports.demoBase + 2}
  Data in ${dataDir}. Ctrl-C stops everything.
`);
  log("ready");
}

function run(name: string, args: string[], childEnv: NodeJS.ProcessEnv, cwd = root) {
  // Own process group: Ctrl-C reaches only this script, which then stops the parts in order
  // (console and gateway drain first, the control plane and its database last).
  const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        process.stdout.write(prefix + line + "\n");
        const login = /^Admin login: admin \/ (\S+)/.exec(line);
        if (login) generatedPassword = login[1]!;
      }
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${name} exited (${signal ?? `code ${code}`}); stopping everything`);
    void stopAll(1);
  });
  children.push({ name, child });
}

function loadOrCreateSecret(key: string): string {
  const file = path.join(dataDir, "secrets.json");
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  if (!secrets[key]) {
    secrets[key] = randomBytes(24).toString("base64url");
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[key]!;
}

async function assertPortsFree() {
  const wanted: [string, number][] = [
    ["console", ports.console], ["control plane", ports.controlPlane], ["gateway", ports.proxy],
    ["gateway admin", ports.admin], ["demo services", ports.demoBase], ["demo services", ports.demoBase + 1], ["demo services", ports.demoBase + 2],
  ];
  for (const [name, p] of wanted) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once("error", () => resolve(false)).listen(p, () => server.close(() => resolve(true)));
    });
    if (!free) throw new Error(`port ${p} (${name}) is in use; stop what runs there or set its SWITCHYARD_*_PORT (see README)`);
  }
}

async function waitForHttp(url: string, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error("stopped");
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return void log(`${what} ready (${url})`);
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000}s`);
}

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  // Reverse start order: console and gateway first, the control plane (and its database) last.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill("SIGTERM");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 10_000);
      child.once("exit", () => { clearTimeout(timer); resolve(); });
    });
  }
  log("stopped");
  process.exit(code);
}

// Last resort if this script dies some other way: don't leave the parts running.
process.on("exit", () => {
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
