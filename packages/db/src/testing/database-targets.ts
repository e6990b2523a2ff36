import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "./create-test-database.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseSetup {
  /** Unset for PGlite. */
  databaseUrl: string | undefined;
  dataDir: string;
  cleanup(): Promise<void>;
}

export interface DatabaseTarget {
  kind: DatabaseKind;
  setup(): Promise<DatabaseSetup>;
}

/**
 * The databases a conformance suite runs on: always the embedded PGlite, and a real Postgres
 * when DATABASE_URL is set (each setup gets its own fresh database there).
 */
export function databaseTargets(serverUrl: string | undefined = process.env.DATABASE_URL): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [
    {
      kind: "pglite",
      async setup() {
        const dataDir = await mkdtemp(path.join(os.tmpdir(), "sy-pglite-"));
        return { databaseUrl: undefined, dataDir, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
      },
    },
  ];
  if (serverUrl) {
    targets.push({
      kind: "postgres",
      async setup() {
        const dataDir = await mkdtemp(path.join(os.tmpdir(), "sy-pg-"));
        const database = await createTestDatabase(serverUrl);
        return {
          databaseUrl: database.url,
          dataDir,
          async cleanup() {
            await database.drop();
            await rm(dataDir, { recursive: true, force: true });
          },
        };
      },
    });
  }
  return targets;
}
