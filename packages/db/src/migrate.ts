import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

export const DEFAULT_MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../../prisma/migrations");

/** Arbitrary constant: serialises migration runs of several control planes sharing one database. */
const MIGRATION_LOCK_KEY = 7_311_502_004;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
    files.push({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return files;
}

export class MigrationChecksumError extends Error {
  readonly code = "SY_ERR_MIGRATION_CHECKSUM";
  constructor(name: string) {
    super(`Migration ${name} was changed after it was applied (checksum differs); add a new migration instead`);
  }
}

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order, one transaction each, and records
 * them in `_switchyard_migrations`. Prisma's own migrate needs a native engine we can't ship,
 * so the SQL in Prisma's layout is applied here. Returns the names applied by this call.
 */
export async function migrate(db: { url: string }, options: { migrationsDir?: string } = {}): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS "_switchyard_migrations" (
         "name" TEXT PRIMARY KEY,
         "checksum" TEXT NOT NULL,
         "applied_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
       )`,
    );
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "_switchyard_migrations"`);
      const done = new Map(rows.map((r) => [r.name, r.checksum]));
      for (const m of migrations) {
        const checksum = done.get(m.name);
        if (checksum !== undefined) {
          if (checksum !== m.checksum) throw new MigrationChecksumError(m.name);
          continue;
        }
        await client.query("BEGIN");
        try {
          // No parameters: pg uses the simple protocol, which runs a multi-statement script.
          await client.query(m.sql);
          await client.query(`INSERT INTO "_switchyard_migrations" (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(m.name);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
  return applied;
}
