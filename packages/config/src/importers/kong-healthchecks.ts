import type { HealthCheck } from "../service.ts";
import { asString, isObject, type Doc } from "./import-types.ts";

type HealthCheckInput = Partial<HealthCheck>;

/**
 * A Kong upstream's `healthchecks.active` as our healthCheck. Kong probes only when an interval is
 * above 0 (`healthy.interval` for healthy targets, `unhealthy.interval` for the others; we have
 * one interval, the healthy one when set); a target goes out after `unhealthy.http_failures`,
 * `tcp_failures` or `timeouts` failures (we count any failure, so the smallest that is set) and
 * comes back after `healthy.successes`. Types http, https (the service's TLS applies) and
 * grpc/grpcs (the gRPC health check); tcp is not offered. Kong's status lists differ from ours
 * (any 2xx/3xx passes) only when changed from Kong's defaults, which is warned about.
 * `passive` checks are not imported: Kong keeps a target out until an active check passes,
 * where outlier detection (trafficPolicy.outlierDetection) brings it back after a time.
 */
export function importKongHealthchecks(healthchecks: unknown, where: string, warnings: string[]): HealthCheckInput | undefined {
  if (!isObject(healthchecks)) return undefined;
  if (isObject(healthchecks.passive) && passiveConfigured(healthchecks.passive)) {
    warnings.push(`${where}: passive healthchecks are not imported; trafficPolicy.outlierDetection is the nearest (it ejects for a time instead of until an active check passes)`);
  }
  const active: Doc = isObject(healthchecks.active) ? healthchecks.active : {};
  const healthy: Doc = isObject(active.healthy) ? active.healthy : {};
  const unhealthy: Doc = isObject(active.unhealthy) ? active.unhealthy : {};
  const interval = positive(healthy.interval) ?? positive(unhealthy.interval);
  if (interval === undefined) return undefined; // Kong's default: active checks off
  const healthyInterval = positive(healthy.interval), unhealthyInterval = positive(unhealthy.interval);
  if (healthyInterval !== undefined && unhealthyInterval !== undefined && healthyInterval !== unhealthyInterval) {
    warnings.push(`${where}: healthchecks.active probes unhealthy targets every ${unhealthyInterval}s in Kong; here every target is probed every ${healthyInterval}s`);
  }
  const type = asString(active.type) ?? "http";
  if (type === "tcp") {
    warnings.push(`${where}: tcp healthchecks are not supported (HTTP and gRPC are); not imported`);
    return undefined;
  }
  if (Array.isArray(healthy.http_statuses) || Array.isArray(unhealthy.http_statuses)) {
    warnings.push(`${where}: healthchecks http_statuses are not imported; a probe passes on any 2xx or 3xx`);
  }
  const failures = [unhealthy.http_failures, unhealthy.tcp_failures, unhealthy.timeouts].map(positive).filter((n): n is number => n !== undefined);
  const successes = positive(healthy.successes);
  const path = asString(active.http_path);
  const timeout = positive(active.timeout);
  return {
    ...(type === "grpc" || type === "grpcs" ? { grpc: { service: "" } } : path ? { path } : {}),
    intervalMs: Math.round(interval * 1000),
    ...(timeout !== undefined ? { timeoutMs: Math.round(timeout * 1000) } : {}),
    ...(successes !== undefined ? { healthyThreshold: Math.min(100, successes) } : {}),
    ...(failures.length ? { unhealthyThreshold: Math.min(100, ...failures) } : {}),
  };
}

function passiveConfigured(passive: Doc): boolean {
  const unhealthy: Doc = isObject(passive.unhealthy) ? passive.unhealthy : {};
  return [unhealthy.http_failures, unhealthy.tcp_failures, unhealthy.timeouts].some((n) => positive(n) !== undefined);
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}
