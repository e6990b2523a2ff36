import type { Db } from "@switchyard/db";
import { toRole, type Role } from "../auth-router/roles.ts";

export interface UserInfo {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  apiTokens: number;
}

export async function listUsers(options: { db: Db }): Promise<UserInfo[]> {
  const rows = await options.db.prisma.user.findMany({ orderBy: { username: "asc" }, include: { _count: { select: { apiTokens: true } } } });
  return rows.map((r) => ({ id: r.id, username: r.username, role: toRole(r.role), createdAt: r.createdAt.toISOString(), apiTokens: r._count.apiTokens }));
}
