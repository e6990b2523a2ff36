export { createTestDatabase, type TestDatabase } from "./create-test-database.ts";
export { databaseTargets, type DatabaseKind, type DatabaseSetup, type DatabaseTarget } from "./database-targets.ts";
