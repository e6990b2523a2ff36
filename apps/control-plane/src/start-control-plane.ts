import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { appRouter, createBus, createContext, ensureAdminUser, markStaleDataPlanesDisconnected, resyncPortalConfig, seedDemoConfig, type Bus } from "@switchyard/api";
import { createDb, migrate, type Db } from "@switchyard/db";
import { clientAddress, TrustedProxies } from "@switchyard/config/client-address";
import { hasBearerToken } from "./bearer-token.ts";
import { createDataPlaneHub } from "./data-plane-hub.ts";
import { startEventRelay, type EventRelay } from "./event-relay.ts";
import { startMetrics, type MetricsPipeline } from "./metrics/start-metrics.ts";

export interface ControlPlaneOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** A real Postgres; unset → embedded PGlite in `<dataDir>/pglite`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  adminPassword?: string | undefined;
  /** Shared secret data planes present on /dp. */
  dpToken: string;
  seed?: "demo" | "none";
  demoBasePort?: number;
  pingIntervalMs?: number;
  /**
   * Proxies in front of the API (the console's server, a load balancer): their X-Forwarded-For
   * names the client recorded in the audit log and used by the login limiter. Default: loopback,
   * where the console runs in the default layout.
   */
  trustedProxies?: readonly string[];
  log?: (line: string) => void;
}

export const DEFAULT_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128"] as const;

export interface ControlPlane {
  port: number;
  url: string;
  db: Db;
  bus: Bus;
  /** The admin password generated at this start (first start without SWITCHYARD_ADMIN_PASSWORD), else null. */
  generatedAdminPassword: string | null;
  /** Live series and per-minute rollups of the data planes' traffic. */
  metrics: MetricsPipeline;
  stop(): Promise<void>;
}

/**
 * One HTTP server: tRPC over HTTP and WebSocket at /trpc, the data-plane hub at /dp, GET /healthz.
 * Migrates, creates the first admin and seeds before it listens.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.log ?? ((line: string) => console.log(line));
  const pingIntervalMs = options.pingIntervalMs ?? 10_000;
  const db = await createDb({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length) log(`Applied migrations: ${applied.join(", ")}`);
  } catch (error) {
    await db.close();
    throw error;
  }

  const bus = createBus();
  const controlPlaneId = randomUUID();
  let generatedAdminPassword: string | null = null;
  try {
    const admin = await ensureAdminUser({ db, password: options.adminPassword });
    generatedAdminPassword = admin.generatedPassword;
    if (generatedAdminPassword) log(`Admin login: admin / ${generatedAdminPassword} (shown once; set SWITCHYARD_ADMIN_PASSWORD to choose it)`);
    if ((options.seed ?? "demo") === "demo") {
      const seeded = await seedDemoConfig({ db, bus, demoBasePort: options.demoBasePort ?? 9001 });
      if (seeded?.changed) log(`Seeded the demo config as version ${seeded.version}`);
    }
    // The running config may have lost the portal's projection (a crash between a portal change and
    // its publish, an old snapshot published): the portal tables are the truth for keys and plans.
    const resynced = await resyncPortalConfig({ db, bus, reason: "re-sync at control-plane start" });
    if (resynced?.changed) log(`Re-applied the developer portal to the config as version ${resynced.version}`);
    await markStaleDataPlanesDisconnected({ db, staleMs: pingIntervalMs * 3 });
  } catch (error) {
    await db.close();
    throw error;
  }

  let relay: EventRelay;
  try {
    relay = await startEventRelay({ db, bus, controlPlaneId, log });
  } catch (error) {
    await db.close();
    throw error;
  }
  const metrics = startMetrics({ db, bus, log });
  const hub = createDataPlaneHub({ db, bus, controlPlaneId, pingIntervalMs, log, onStats: metrics.ingest });

  const trusted = new TrustedProxies(options.trustedProxies ?? DEFAULT_TRUSTED_PROXIES);
  const contextFor = (req: http.IncomingMessage, res?: http.ServerResponse) =>
    createContext({
      db,
      bus,
      headers: req.headers,
      ip: clientAddress(req, trusted).ip,
      setCookie: res ? (cookie) => res.appendHeader("set-cookie", cookie) : undefined,
    });

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req, res }) => contextFor(req, res),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log(`tRPC ${path ?? "?"} failed: ${error.cause?.stack ?? error.stack ?? error.message}`);
    },
  });

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname.startsWith("/trpc/")) return trpcHttp(req, res);
    if (pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      db.prisma.$queryRaw`SELECT 1`.then(
        () => reply(res, 200, { status: "ok" }),
        () => reply(res, 503, { status: "database unavailable" }),
      );
      return;
    }
    reply(res, 404, { error: "not found" });
  });

  const trpcWss = new WebSocketServer({ noServer: true });
  const trpcWs = applyWSSHandler({
    wss: trpcWss,
    router: appRouter,
    createContext: ({ req }) => contextFor(req),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
  });
  const dpWss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === "/trpc" || pathname === "/trpc/") {
      trpcWss.handleUpgrade(req, socket, head, (ws) => trpcWss.emit("connection", ws, req));
    } else if (pathname === "/dp") {
      if (!hasBearerToken(req.headers.authorization, options.dpToken)) return rejectUpgrade(socket, 401, "Unauthorized");
      dpWss.handleUpgrade(req, socket, head, (ws) => hub.handleConnection(ws, req));
    } else {
      rejectUpgrade(socket, 404, "Not Found");
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await hub.close();
    await relay.close();
    await db.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let stopping: Promise<void> | null = null;
  return {
    port,
    url,
    db,
    bus,
    generatedAdminPassword,
    metrics,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        trpcWs.broadcastReconnectNotification();
        for (const client of trpcWss.clients) client.terminate();
        await hub.close();
        dpWss.close();
        trpcWss.close();
        server.closeAllConnections();
        await closed;
        await metrics.close();
        await relay.close();
        await db.close();
      })();
      return stopping;
    },
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
