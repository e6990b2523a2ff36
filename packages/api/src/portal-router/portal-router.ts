import { router } from "../trpc.ts";
import { portalAdminRouter } from "./admin/portal-admin-router.ts";
import { appsRouter } from "./apps/apps-router.ts";
import { devAuthRouter } from "./auth/dev-auth-router.ts";
import { catalogRouter } from "./catalog/catalog-router.ts";

/** The developer portal: public catalog and sign-up, developer self-service, and its admin side. */
export const portalRouter = router({
  auth: devAuthRouter,
  catalog: catalogRouter,
  apps: appsRouter,
  admin: portalAdminRouter,
});
