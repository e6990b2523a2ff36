import type { Db, Prisma } from "@switchyard/db";

export interface AuditEventInfo {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface ListAuditEventsOptions {
  db: Db;
  /** Case-insensitive substring of actor, action, target or ip. */
  search?: string | undefined;
  /** Exact action, or a prefix ending in "." (e.g. "users."). */
  action?: string | undefined;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

/** Newest first, paged by id (ids only grow). */
export async function listAuditEvents(options: ListAuditEventsOptions): Promise<{ items: AuditEventInfo[]; nextCursor: string | null }> {
  const and: Prisma.AuditEventWhereInput[] = [];
  const search = options.search?.trim();
  if (search) {
    and.push({
      OR: [
        { actor: { contains: search, mode: "insensitive" } },
        { action: { contains: search, mode: "insensitive" } },
        { target: { contains: search, mode: "insensitive" } },
        { ip: { contains: search, mode: "insensitive" } },
      ],
    });
  }
  if (options.action) and.push(options.action.endsWith(".") ? { action: { startsWith: options.action } } : { action: options.action });
  if (options.cursor) and.push({ id: { lt: BigInt(options.cursor) } });
  const rows = await options.db.prisma.auditEvent.findMany({ where: { AND: and }, orderBy: { id: "desc" }, take: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: (r.detail ?? {}) as Record<string, unknown>,
      ip: r.ip,
    })),
    nextCursor: rows.length > options.limit ? page.at(-1)!.id.toString() : null,
  };
}
