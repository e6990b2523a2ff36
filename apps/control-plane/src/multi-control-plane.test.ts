import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@switchyard/db/testing";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startControlPlane, type ControlPlane } from "./start-control-plane.ts";
import { connectFakeDataPlane } from "./testing/fake-data-plane.ts";
import { httpClient, login } from "./testing/test-clients.ts";

const DP_TOKEN = "multi-dp-token";
const ADMIN_PASSWORD = "admin-password-1";
const serverUrl = process.env.DATABASE_URL;

// LISTEN/NOTIFY needs a real Postgres; the embedded PGlite serves a single control plane.
describe.skipIf(!serverUrl)("two control planes on one Postgres", () => {
  let database: TestDatabase;
  let dir: string;
  let a: ControlPlane;
  let b: ControlPlane;

  beforeAll(async () => {
    database = await createTestDatabase(serverUrl!);
    dir = await mkdtemp(path.join(os.tmpdir(), "sy-multi-"));
    const common = { port: 0, databaseUrl: database.url, dataDir: dir, adminPassword: ADMIN_PASSWORD, dpToken: DP_TOKEN, log: () => {} };
    a = await startControlPlane({ ...common, seed: "demo" });
    b = await startControlPlane({ ...common, seed: "demo" });
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it("pushes a version published on A to a data plane connected to B; halts and rollbacks cross over too", async () => {
    const onB = await connectFakeDataPlane({ baseUrl: b.url, token: DP_TOKEN, nodeId: "on-b", labels: { canary: "true" }, accept: ["gzip"] });
    const first = await onB.nextSnapshot();
    expect(first.version).toBe(1);
    onB.ack(first);

    const apiA = httpClient(a.url, { cookie: await login(a.url, "admin", ADMIN_PASSWORD) });
    const route = { name: "multi", path: { type: "prefix", value: "/multi" }, rules: [{ destinations: [{ service: "order-service" }] }] };
    const published = await apiA.routes.upsert.mutate({ route, message: "from A" });
    const got = await onB.nextSnapshot();
    expect(got).toMatchObject({ version: published.version, hash: published.hash });
    onB.ack(got);
    // B's ack reaches A's view (shared table) and A's consoles are told (NOTIFY data-planes).
    await expect.poll(async () => (await apiA.dataPlanes.list.query()).find((d) => d.id === "on-b")?.lag).toBe(0);

    // Staged on A, rejected on B: the halt travels back to A's API.
    const staged = await apiA.routes.upsert.mutate({ route: { ...route, name: "multi-2", path: { type: "prefix", value: "/multi-2" } }, rollout: { selector: { canary: "true" } } });
    const stagedSnapshot = await onB.nextSnapshot();
    expect(stagedSnapshot.version).toBe(staged.version);
    onB.nack(stagedSnapshot, "bad");
    await expect.poll(async () => (await apiA.config.versions.query()).find((v) => v.version === staged.version)?.rolloutState).toBe("halted");

    // Rollback on A reaches B's plane too.
    const back = await apiA.config.rollback.mutate({ version: 1 });
    expect((await onB.nextSnapshot()).version).toBe(back.version);
    await onB.close();
  });
});
