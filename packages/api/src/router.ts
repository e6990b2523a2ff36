import { authRouter } from "./auth-router/auth-router.ts";
import { configRouter } from "./config-router/config-router.ts";
import { dataPlaneRouter } from "./data-plane-router/data-plane-router.ts";
import { routeRouter } from "./route-router/route-router.ts";
import { serviceRouter } from "./service-router/service-router.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  config: configRouter,
  services: serviceRouter,
  routes: routeRouter,
  dataPlanes: dataPlaneRouter,
});

export type AppRouter = typeof appRouter;
