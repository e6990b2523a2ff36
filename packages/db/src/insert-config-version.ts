import type { PrismaClient } from "./generated/client.ts";

export interface NewConfigVersion {
  version: number;
  hash: string;
  /** The whole GatewayConfig, already validated. */
  config: unknown;
  author: string;
  message: string;
  rolloutState: "full" | "staged";
  rolloutSelector: unknown;
}

/**
 * Stores a config version from its JSON text. Prisma's `create` walks a JSON argument value by
 * value before sending it, which for a 10,000-route config (~3 MB) cost 300–600 ms of the
 * publish; one JSON.stringify and a `::jsonb` parameter cost ~15 ms plus the server's own parse.
 * Usable inside a batch `$transaction([...])`. Resolves to the row's creation time.
 */
export function insertConfigVersion(prisma: PrismaClient, row: NewConfigVersion) {
  const config = JSON.stringify(row.config);
  const selector = row.rolloutSelector === null || row.rolloutSelector === undefined ? null : JSON.stringify(row.rolloutSelector);
  return prisma.$queryRaw<{ created_at: Date }[]>`
    INSERT INTO "config_version" ("version", "hash", "config", "author", "message", "rollout_state", "rollout_selector")
    VALUES (${row.version}, ${row.hash}, ${config}::jsonb, ${row.author}, ${row.message}, ${row.rolloutState}, ${selector}::jsonb)
    RETURNING "created_at"`;
}

/** True for a primary-key/unique violation, whether it came from a model call or a raw query. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } } | null;
  if (!e) return false;
  if (e.code === "P2002") return true;
  if (e.meta?.code === "23505") return true;
  const cause = e.meta?.driverAdapterError?.cause;
  return cause?.originalCode === "23505" || cause?.kind === "UniqueConstraintViolation";
}
