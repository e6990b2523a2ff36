import type { CompiledOutlierDetection } from "@switchyard/routing";
import type { ClusterState } from "./cluster-state.ts";
import type { HostState } from "./host-state.ts";

/** An attempt that ended without an upstream response (connect failure, reset, timeout). */
export const LOCAL_FAILURE = -1;

/**
 * Consecutive-error outlier detection, inline as in Envoy: the error that reaches the
 * threshold ejects the host at once, unless that would eject more than maxEjectionPercent of
 * `hosts` (at least one host may always be ejected). Streaks, ejections and the percentage are
 * those of the whole process (shared host state); `cluster` serializes ejection decisions
 * across workers. Ejection lasts base × n, capped; n drops by one for every interval the host
 * spent back in service. True when this outcome ejected the host.
 */
export function recordOutcome(od: CompiledOutlierDetection, host: HostState, hosts: readonly HostState[], cluster: ClusterState, status: number, now: number): boolean {
  if (status !== LOCAL_FAILURE && status < 500) {
    host.recordSuccess();
    return false;
  }
  const streak5xx = host.record5xx();
  let streakGateway = 0;
  if (status === LOCAL_FAILURE || status === 502 || status === 503 || status === 504) streakGateway = host.recordGatewayError();
  else host.endGatewayStreak();
  const trip =
    (od.consecutive5xx > 0 && streak5xx >= od.consecutive5xx) ||
    (od.consecutiveGateway > 0 && streakGateway >= od.consecutiveGateway);
  if (!trip || od.maxEjectionPercent <= 0 || host.isEjected(now)) return false;
  // Another worker deciding an ejection for this cluster right now: this error leaves it to the
  // next one (the streak stays), so the percentage can't be overshot by two at once.
  if (!cluster.tryLock()) return false;
  try {
    let ejected = 0;
    for (let i = 0; i < hosts.length; i++) if (hosts[i]!.isEjected(now)) ejected++;
    const allowed = Math.max(1, Math.floor((hosts.length * od.maxEjectionPercent) / 100));
    if (ejected >= allowed) return false;
    return host.eject(od, now);
  } finally {
    cluster.unlock();
  }
}
