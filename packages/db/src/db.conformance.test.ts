import { mkdtemp, mkdir, rm, writeFile, cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./create-db.ts";
import { insertConfigVersion, isUniqueViolation } from "./insert-config-version.ts";
import { DEFAULT_MIGRATIONS_DIR, migrate, MigrationChecksumError, readMigrations } from "./migrate.ts";
import { databaseTargets, type DatabaseSetup } from "./testing/index.ts";

describe.each(databaseTargets())("db on $kind", (target) => {
  let setup: DatabaseSetup;
  let db: Db;

  beforeAll(async () => {
    setup = await target.setup();
    db = await createDb({ databaseUrl: setup.databaseUrl, dataDir: setup.dataDir });
  });
  afterAll(async () => {
    await db?.close();
    await setup?.cleanup();
  });

  it("applies every migration once and records it", async () => {
    const all = await readMigrations();
    expect(await migrate(db)).toEqual(all.map((m) => m.name));
    expect(await migrate(db)).toEqual([]);
    const rows = await db.prisma.$queryRaw<{ name: string; checksum: string }[]>`SELECT name, checksum FROM "_switchyard_migrations" ORDER BY name`;
    expect(rows).toEqual(all.map((m) => ({ name: m.name, checksum: m.checksum })));
  });

  it("round-trips rows through Prisma, including JSON and BigInt ids", async () => {
    await db.prisma.configVersion.create({ data: { version: 1, hash: "h1", config: { services: [], routes: [] }, author: "test" } });
    const got = await db.prisma.configVersion.findUniqueOrThrow({ where: { version: 1 } });
    expect(got.config).toEqual({ services: [], routes: [] });
    expect(got.createdAt).toBeInstanceOf(Date);
    const event = await db.prisma.auditEvent.create({ data: { actor: "test", action: "x", target: "y", detail: { a: 1 } } });
    expect(typeof event.id).toBe("bigint");
  });

  it("rejects a second row with the same version (the publish path relies on it)", async () => {
    await expect(db.prisma.configVersion.create({ data: { version: 1, hash: "h2", config: {}, author: "test" } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("stores a version from its JSON text and reports a taken number as a unique violation", async () => {
    const config = { services: [], routes: [{ name: "r", headers: { "x-b": "2", "x-a": "1" } }] };
    const [rows] = await db.prisma.$transaction([
      insertConfigVersion(db.prisma, { version: 7, hash: "h7", config, author: "test", message: "m", rolloutState: "staged", rolloutSelector: { canary: "true" } }),
      db.prisma.configVersion.count(),
    ]);
    expect(rows[0]!.created_at).toBeInstanceOf(Date);
    expect(Math.abs(rows[0]!.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    const got = await db.prisma.configVersion.findUniqueOrThrow({ where: { version: 7 } });
    expect(got).toMatchObject({ hash: "h7", config, author: "test", message: "m", rolloutState: "staged", rolloutSelector: { canary: "true" } });
    expect(got.createdAt.getTime()).toBe(rows[0]!.created_at.getTime());
    const again = await insertConfigVersion(db.prisma, { version: 7, hash: "h8", config, author: "test", message: "", rolloutState: "full", rolloutSelector: null }).catch((e: unknown) => e);
    expect(isUniqueViolation(again)).toBe(true);
    expect(isUniqueViolation(new Error("other"))).toBe(false);
    await db.prisma.configVersion.delete({ where: { version: 7 } });
  });

  it("runs interactive transactions and rolls them back on error", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.configVersion.create({ data: { version: 2, hash: "h2", config: {}, author: "test" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.prisma.configVersion.count()).toBe(1);
  });

  it("serves concurrent parameterised queries and transactions without mixing them up", async () => {
    const work = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? db.prisma.$transaction([db.prisma.auditEvent.create({ data: { actor: `a${i}`, action: "x", target: "t" } }), db.prisma.configVersion.count()])
        : db.prisma.configVersion.findFirst({ where: { version: 1, hash: "h1", author: { not: `x${i}` } } }),
    );
    const results = await Promise.all(work);
    results.forEach((r, i) => {
      if (i % 3 === 0) expect((r as [unknown, number])[1]).toBe(1);
      else expect((r as { version: number }).version).toBe(1);
    });
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sy-mig-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const first = (await readMigrations(dir))[0]!;
      await writeFile(path.join(dir, first.name, "migration.sql"), first.sql + "\n-- edited\n");
      await expect(migrate(db, { migrationsDir: dir })).rejects.toBeInstanceOf(MigrationChecksumError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("applies a new migration in its own transaction, and a failing one not at all", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sy-mig-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      await mkdir(path.join(dir, "29990101000000_bad"));
      await writeFile(path.join(dir, "29990101000000_bad", "migration.sql"), `CREATE TABLE "sy_half" (id int);\nSELECT * FROM "no_such_table";\n`);
      await expect(migrate(db, { migrationsDir: dir })).rejects.toThrow(/29990101000000_bad/);
      const tables = await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'sy_half'`;
      expect(Number(tables[0]!.n)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("embedded PGlite", () => {
  it("keeps data across a restart on the same data dir", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "sy-pglite-"));
    try {
      const first = await createDb({ dataDir });
      await migrate(first);
      await first.prisma.user.create({ data: { id: "u1", username: "alice", passwordHash: "x", role: "admin" } });
      await first.close();
      const second = await createDb({ dataDir });
      try {
        expect(await migrate(second)).toEqual([]);
        expect((await second.prisma.user.findUniqueOrThrow({ where: { username: "alice" } })).id).toBe("u1");
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
