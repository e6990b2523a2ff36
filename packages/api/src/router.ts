import { auditRouter } from "./audit-router/audit-router.ts";
import { authRouter } from "./auth-router/auth-router.ts";
import { certificateRouter } from "./certificate-router/certificate-router.ts";
import { configRouter } from "./config-router/config-router.ts";
import { consumerRouter } from "./consumer-router/consumer-router.ts";
import { dataPlaneRouter } from "./data-plane-router/data-plane-router.ts";
import { metricsRouter } from "./metrics-router/metrics-router.ts";
import { portalRouter } from "./portal-router/portal-router.ts";
import { policyRouter } from "./policy-router/policy-router.ts";
import { routeRouter } from "./route-router/route-router.ts";
import { serviceRouter } from "./service-router/service-router.ts";
import { settingsRouter } from "./settings-router/settings-router.ts";
import { simulatorRouter } from "./simulator-router/simulator-router.ts";
import { router } from "./trpc.ts";
import { userRouter } from "./user-router/user-router.ts";

export const appRouter = router({
  auth: authRouter,
  config: configRouter,
  services: serviceRouter,
  routes: routeRouter,
  dataPlanes: dataPlaneRouter,
  users: userRouter,
  audit: auditRouter,
  metrics: metricsRouter,
  portal: portalRouter,
  consumers: consumerRouter,
  policies: policyRouter,
  certificates: certificateRouter,
  settings: settingsRouter,
  simulator: simulatorRouter,
});

export type AppRouter = typeof appRouter;
