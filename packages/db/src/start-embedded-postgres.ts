import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** postgresql:// URL of the loopback socket server. */
  url: string;
  /** Flushes and closes the data dir; the data survives for the next start. */
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `<dataDir>/pglite` and serves it over TCP on 127.0.0.1, so the ordinary pg
 * driver (and therefore the same Prisma adapter as for a real Postgres) can talk to it.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; maxConnections?: number }): Promise<EmbeddedPostgres> {
  const dir = path.join(options.dataDir, "pglite");
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  // The default of one connection resets every client beyond the first.
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: options.maxConnections ?? 10 });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  let stopped: Promise<void> | null = null;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        await pglite.close();
      })();
      return stopped;
    },
  };
}
