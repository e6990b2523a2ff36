import type { CompiledOutlierDetection } from "@switchyard/routing";
import type { HostState } from "./host-state.ts";

/** An attempt that ended without an upstream response (connect failure, reset, timeout). */
export const LOCAL_FAILURE = -1;

/**
 * Consecutive-error outlier detection, inline as in Envoy: the error that reaches the
 * threshold ejects the host at once, unless that would eject more than maxEjectionPercent of
 * `hosts` (at least one host may always be ejected). Ejection lasts base × n, capped; n drops
 * by one for every interval the host spent back in service.
 */
export function recordOutcome(od: CompiledOutlierDetection, host: HostState, hosts: readonly HostState[], status: number, now: number): void {
  if (status !== LOCAL_FAILURE && status < 500) {
    host.consecutive5xx = 0;
    host.consecutiveGateway = 0;
    return;
  }
  host.consecutive5xx++;
  const gateway = status === LOCAL_FAILURE || status === 502 || status === 503 || status === 504;
  if (gateway) host.consecutiveGateway++;
  else host.consecutiveGateway = 0;
  if (host.ejectedUntil !== 0 && now < host.ejectedUntil) return;
  const trip =
    (od.consecutive5xx > 0 && host.consecutive5xx >= od.consecutive5xx) ||
    (od.consecutiveGateway > 0 && host.consecutiveGateway >= od.consecutiveGateway);
  if (!trip) return;
  if (od.maxEjectionPercent <= 0) return;
  let ejected = 0;
  for (let i = 0; i < hosts.length; i++) if (hosts[i]!.isEjected(now)) ejected++;
  const allowed = Math.max(1, Math.floor((hosts.length * od.maxEjectionPercent) / 100));
  if (ejected >= allowed) return;
  const decayed = host.ejectionsAt === 0 ? 0 : Math.floor((now - host.ejectionsAt) / od.intervalMs);
  host.ejections = Math.max(0, host.ejections - decayed) + 1;
  host.ejectionsAt = now;
  host.ejectedUntil = now + Math.min(od.baseEjectionMs * host.ejections, od.maxEjectionMs);
  host.consecutive5xx = 0;
  host.consecutiveGateway = 0;
}
