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
  // PGlite runs one query at a time anyway; a small pool stays well below its connection cap.
  const adapter = new PrismaPg({ connectionString: url, max: embedded ? 4 : 10 });
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
