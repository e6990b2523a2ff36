/** What the main thread shares with every proxy worker for policies (plain data, passes workerData). */
export interface PolicySharedInit {
  /** Local rate-limit counters, one table for the whole process. */
  counters: SharedArrayBuffer;
  /** Int32 counters the main thread reads for /metrics. */
  stats: SharedArrayBuffer;
  /** Redis used by rate-limit policies that name no Redis of their own. */
  redisUrl: string;
  /** BroadcastChannel name for JWKS traffic, unique per gateway (several may share a process in tests). */
  jwksChannel: string;
}

export const STAT_FAIL_OPEN = 0;
export const STAT_FAIL_CLOSED = 1;

/** Between workers (asking for the JWKS URLs of their config) and the main thread's fetcher. */
export type JwksMessage =
  | { type: "want"; urls: string[] }
  | { type: "jwks"; url: string; doc: unknown };
