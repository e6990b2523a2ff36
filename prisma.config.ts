import path from "node:path";
import { defineConfig } from "prisma/config";

// See scripts/prisma-engine-stub.sh: without this Prisma tries to download a native engine.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "scripts/prisma-engine-stub.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchyard" },
});
