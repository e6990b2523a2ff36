// Migrations are SQL written by hand (Prisma's migrate engine can't be downloaded here), so this
// guards against drift: after every migration runs, each model of prisma/schema.prisma has its
// table, each scalar field its column with a matching type and nullability, and nothing else.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./create-db.ts";
import { migrate } from "./migrate.ts";
import { databaseTargets, type DatabaseSetup } from "./testing/index.ts";

const PG_TYPE: Record<string, string> = {
  String: "text", Int: "integer", BigInt: "bigint", Float: "double precision", Boolean: "boolean",
  DateTime: "timestamp without time zone", Json: "jsonb", Decimal: "numeric", Bytes: "bytea",
};

/** Native types (`@db.X`) as information_schema spells them. */
const NATIVE_TYPE: Record<string, string> = {
  Timestamptz: "timestamp with time zone", Timestamp: "timestamp without time zone", DoublePrecision: "double precision",
  Text: "text", VarChar: "character varying", Uuid: "uuid", Integer: "integer", BigInt: "bigint", JsonB: "jsonb", Json: "json",
};

interface Column { table: string; column: string; type: string; nullable: boolean }

/** The columns schema.prisma describes (scalar fields only; relations have no column). */
function columnsFromSchema(): Column[] {
  const schema = readFileSync(path.resolve(import.meta.dirname, "../../../prisma/schema.prisma"), "utf8");
  const out: Column[] = [];
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!;
    for (const line of body!.split("\n")) {
      const m = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!m || line.trim().startsWith("//") || line.trim().startsWith("@@")) continue;
      const [, field, type, list, optional, rest] = m;
      if (!PG_TYPE[type!]) continue; // relation fields
      const dbType = /@db\.(\w+)/.exec(rest!)?.[1];
      out.push({
        table,
        column: /@map\("([^"]+)"\)/.exec(rest!)?.[1] ?? field!,
        // Scalar lists are Postgres arrays, which Prisma creates nullable.
        type: list ? "ARRAY" : dbType ? NATIVE_TYPE[dbType] ?? dbType.toLowerCase() : PG_TYPE[type!]!,
        nullable: optional === "?" || list === "[]",
      });
    }
  }
  return out;
}

describe.each(databaseTargets())("migrations match schema.prisma on $kind", (target) => {
  let setup: DatabaseSetup;
  let db: Db;
  beforeAll(async () => {
    setup = await target.setup();
    db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await setup?.cleanup();
  });

  it("has exactly the tables and columns the schema describes", async () => {
    const rows = await db.prisma.$queryRaw<{ table_name: string; column_name: string; data_type: string; is_nullable: string }[]>`
      SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_switchyard_migrations'`;
    const actual = rows.map((r) => ({ table: r.table_name, column: r.column_name, type: r.data_type, nullable: r.is_nullable === "YES" }));
    const key = (c: Column) => `${c.table}.${c.column}`;
    const sort = (cs: Column[]) => [...cs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sort(actual)).toEqual(sort(columnsFromSchema()));
  });
});
