export { createDb, type CreateDbOptions, type Db } from "./create-db.ts";
export { migrate, readMigrations, DEFAULT_MIGRATIONS_DIR, MigrationChecksumError, type MigrationFile } from "./migrate.ts";
export { PrismaClient, Prisma } from "./generated/client.ts";
export type { ConfigVersion, DataPlane, User, Session, ApiToken, AuditEvent } from "./generated/client.ts";
export { listen, type Listener, type ListenOptions } from "./listen.ts";
export { insertConfigVersion, isUniqueViolation, type NewConfigVersion } from "./insert-config-version.ts";
export type { Developer, ApiProduct, Plan, PortalApp, Subscription, PortalApiKey, SubscriptionPlanPeriod } from "./generated/client.ts";
