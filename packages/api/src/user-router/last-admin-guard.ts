import { Prisma } from "@switchyard/db";

/**
 * SQL condition that holds unless the row is the only admin left. Checked inside the same UPDATE
 * or DELETE statement, so no separate read can go stale between check and write.
 */
export const notLastAdmin = Prisma.sql`("role" <> 'admin' OR (SELECT count(*) FROM "app_user" WHERE "role" = 'admin') > 1)`;
