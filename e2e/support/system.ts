// Runs the whole system the way a user does (`node scripts/start.ts`, i.e. `npm start`) on test
// ports and a throw-away data dir, and stops it like Ctrl-C does.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "../..");

export interface SystemPorts { console: number; controlPlane: number; proxy: number; admin: number; demoBase: number }

export interface RunningSystem {
  ports: SystemPorts;
  output: () => string;
  stop: () => Promise<void>;
}

/** With DATABASE_URL (CI), every e2e run gets its own fresh database on that Postgres server. */
export async function createTestDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `sy_e2e_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function startSystem(opts: { ports: SystemPorts; dataDir: string; databaseUrl?: string; adminPassword: string }): Promise<RunningSystem> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SWITCHYARD_SKIP_BUILD: "1",
    SWITCHYARD_DATA_DIR: opts.dataDir,
    SWITCHYARD_ADMIN_PASSWORD: opts.adminPassword,
    SWITCHYARD_CONSOLE_PORT: String(opts.ports.console),
    SWITCHYARD_CP_PORT: String(opts.ports.controlPlane),
    SWITCHYARD_PROXY_PORT: String(opts.ports.proxy),
    SWITCHYARD_ADMIN_PORT: String(opts.ports.admin),
    SWITCHYARD_DEMO_BASE_PORT: String(opts.ports.demoBase),
    SWITCHYARD_WORKERS: "2",
  };
  delete env.DATABASE_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;

  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts/start.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => { out += d; });
  child.stderr!.on("data", (d) => { out += d; });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`system not ready within 120 s:\n${out.slice(-4000)}`)), 120_000);
    const check = () => {
      if (out.includes("[start] ready")) { clearTimeout(timer); resolve(); }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`start exited with ${code}:\n${out.slice(-4000)}`)); });
  });

  return {
    ports: opts.ports,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
