export { appRouter, type AppRouter } from "./router.ts";
export { createCallerFactory } from "./trpc.ts";
export { createContext, type Context, type CreateContextOptions } from "./context.ts";
export { createBus, type Bus, type BusEvents } from "./bus.ts";
export { AppError, APP_ERROR_CODES, isAppError, type AppErrorCode } from "./app-error.ts";
export type { Session } from "./auth-router/resolve-session.ts";
export { RoleSchema, type Role } from "./auth-router/roles.ts";
export { SESSION_COOKIE } from "./auth-router/session-cookie.ts";
export { ensureAdminUser } from "./auth-router/ensure-admin-user.ts";
export { createUser } from "./auth-router/create-user.ts";
export { createApiToken } from "./auth-router/create-api-token.ts";
export { publishConfig, type PublishResult, type PublishConfigOptions } from "./config-router/publish-config.ts";
export { getCurrentConfig, getCurrentSnapshot, type CurrentConfig } from "./config-router/get-current-config.ts";
export { seedDemoConfig } from "./config-router/seed-demo-config.ts";
export { demoConfig } from "./config-router/demo-config.ts";
export { listDataPlanes, type DataPlaneInfo } from "./data-plane-router/list-data-planes.ts";
export {
  recordDataPlaneHello,
  recordDataPlaneAck,
  recordDataPlaneNack,
  touchDataPlane,
  markDataPlaneDisconnected,
  markStaleDataPlanesDisconnected,
} from "./data-plane-router/record-data-plane.ts";
export { getRolloutTargets, getTargetVersions, targetFor, type RolloutTargets } from "./config-router/get-rollout-targets.ts";
export { haltRollout } from "./config-router/halt-rollout.ts";
export { rollbackConfig } from "./config-router/rollback-config.ts";
export { promoteConfig } from "./config-router/promote-config.ts";
export { listConfigVersions, type ConfigVersionSummary } from "./config-router/list-config-versions.ts";
export { lineDiff, normalizedYaml, type DiffLine } from "./config-router/diff-config-versions.ts";
export { liveMetricsFor, LiveMetrics, type MinuteCell } from "./metrics-router/live-metrics.ts";
export { recordMetricMinutes } from "./metrics-router/record-metric-minutes.ts";
export type { MetricsPoint, SubsetStats } from "./metrics-router/series-point.ts";
export { resyncPortalConfig } from "./portal-router/gateway-sync/resync-portal-config.ts";
export { PORTAL_PUBLIC_PROCEDURES } from "./portal-router/portal-procedures.ts";
export { configurePortalMail, logMailSender, type MailSender } from "./portal-router/auth/mail-sender.ts";
