import { configurePortalMail } from "@switchyard/api";
import { readEnv } from "./env.ts";
import { startControlPlane } from "./start-control-plane.ts";

const env = (() => {
  try {
    return readEnv();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
})();

// Development mail: verification and reset links are printed to this log.
configurePortalMail({ portalUrl: env.SWITCHYARD_PORTAL_URL ?? `http://127.0.0.1:${env.SWITCHYARD_CONSOLE_PORT}` });

const controlPlane = await startControlPlane({
  port: env.SWITCHYARD_CP_PORT,
  host: env.SWITCHYARD_CP_HOST,
  databaseUrl: env.DATABASE_URL,
  dataDir: env.SWITCHYARD_DATA_DIR,
  adminPassword: env.SWITCHYARD_ADMIN_PASSWORD,
  dpToken: env.SWITCHYARD_DP_TOKEN,
  seed: env.SWITCHYARD_SEED,
  demoBasePort: env.SWITCHYARD_DEMO_BASE_PORT,
  trustedProxies: env.SWITCHYARD_TRUSTED_PROXIES,
}).catch((error: unknown) => {
  console.error(`Control plane failed to start: ${(error as Error).message}`);
  process.exit(1);
});
console.log(`Switchyard control plane listening on ${controlPlane.url} (tRPC /trpc, data planes /dp, ${env.DATABASE_URL ? "Postgres" : `embedded PGlite in ${env.SWITCHYARD_DATA_DIR}`})`);

let shuttingDown = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log(`${signal}: shutting down`);
    // PGlite must close to flush its data dir; a hard exit could lose the last writes.
    controlPlane.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
