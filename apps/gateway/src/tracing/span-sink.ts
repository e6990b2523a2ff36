import type { ServerResponse } from "node:http";
import type { RequestTrace } from "../worker/trace-context.ts";

/** What the request's end tells its SERVER span (the access-log fields, as far as known). */
export interface ServerResult {
  status: number;
  /** Response flag ("" for none). */
  flag: string;
  route: string;
  rule: number;
  service: string;
  subset: string;
  consumer: string;
}

/** An exported SERVER span in progress; opaque to the proxy. */
export interface ServerSpan {
  readonly spanId: string;
  /** Records the request's outcome (once, when the request is counted). */
  record(result: ServerResult): void;
}

/** An exported CLIENT span for one upstream attempt; its id is the parent the upstream sees. */
export interface AttemptSpan {
  readonly spanId: string;
  /** Ends the attempt: the upstream's status (0 when none came) and the failure, if any ("" for none). */
  end(status: number, error: string): void;
}

/**
 * Where the proxy's spans go when they are exported. Only sampled requests reach it; with export
 * off the proxy has no sink at all and makes its span ids itself.
 */
export interface SpanSink {
  /** Starts the request's SERVER span (child of the incoming parent) and ends it when `res` closes. */
  startServer(trace: RequestTrace, method: string, path: string, res: ServerResponse): ServerSpan;
  /** Starts a CLIENT span for one upstream attempt (`attempt` counts from 1), child of the SERVER span. */
  startAttempt(server: ServerSpan, attempt: number, host: string, port: number): AttemptSpan;
  /** Sends what is queued and stops. */
  shutdown(): Promise<void>;
}
