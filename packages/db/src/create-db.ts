import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { startEmbeddedPostgres } from "./start-embedded-postgres.ts";

export interface Db {
  prisma: PrismaClient;
  /** Connection URL (the loopback URL of the embedded server when no DATABASE_URL was given). */
  url: string;
  /** True when running on the embedded PGlite. */
  embedded: boolean;
  /** Disconnects Prisma and, for PGlite, stops the socket server and flushes the data dir. */
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** A real Postgres; unset → embedded PGlite in `<dataDir>/pglite`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export async function createDb(options: CreateDbOptions): Promise<Db> {
  const embedded = options.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: options.dataDir, maxConnections: 10 });
  const url = options.databaseUrl ?? embedded!.url;
  // PGlite has one backend: the socket server interleaves protocol messages of concurrent
  // connections, so two clients' unnamed prepared statements collide ("bind message supplies 3
  // parameters, but prepared statement requires 2"). One pooled connection serialises them.
  const adapter = new PrismaPg({ connectionString: url, max: embedded ? 1 : 10 });
  const prisma = new PrismaClient({ adapter });
  let closing: Promise<void> | null = null;
  return {
    prisma,
    url,
    embedded: embedded !== null,
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await embedded?.stop();
        }
      })();
      return closing;
    },
  };
}
