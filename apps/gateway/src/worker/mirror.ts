import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import type { ClusterState } from "../upstream/cluster-state.ts";
import { toH2Headers, type H2Callbacks } from "../upstream/h2-pool.ts";
import { UNDICI_SERVERNAME } from "../upstream/tls-connector.ts";
import { upstreamRequestHeaders } from "./forward-headers.ts";
import type { DestinationRuntime } from "./runtime-table.ts";
import { newSpanId, setTraceHeaders, type RequestTrace } from "./trace-context.ts";

/** A mirror copy gets at most this long; it never holds anything the real request needs. */
const MIRROR_TIMEOUT_MS = 10_000;

function ignore(): void {}

/** An HTTP/2 copy's events: the answer is read and dropped, the cluster's request slot (the context) given back at the end. */
const MIRROR_H2: H2Callbacks = {
  onHeaders: () => null,
  onTrailers: ignore,
  onDone: (cluster) => { (cluster as ClusterState).release(); },
};
function drain(res: Dispatcher.ResponseData): void { res.body.on("error", ignore); res.body.resume(); }

/**
 * Sends a copy of the request to a mirror destination, fire-and-forget (Istio mirror): the
 * answer is thrown away, errors are ignored, and an overloaded or empty mirror is skipped.
 * Host gets "-shadow" appended, as Envoy does, so the mirror can tell copies apart.
 */
export function sendMirror(runtime: DestinationRuntime, method: string, path: string, reqHeaders: IncomingHttpHeaders, body: Buffer | null, clientIp: string, trace: RequestTrace): void {
  const cluster = runtime.cluster;
  const index = runtime.balancer.pick(0, -1);
  if (index < 0 || !cluster.tryAcquire(runtime.dest.pool.maxRequests)) return;
  const target = runtime.dest.targets[index]!;
  const headers = upstreamRequestHeaders(reqHeaders, { remoteAddress: clientIp, authority: `${target.authority}-shadow` });
  // Same trace as the real request; the copy gets a span id of its own (not exported).
  setTraceHeaders(headers, trace, newSpanId());
  const h2 = runtime.h2[index] ?? null;
  if (h2 !== null) {
    // An HTTP/2 destination (gRPC services speak nothing else) gets its copy over HTTP/2, within its stream limits.
    if (!h2.admit()) { cluster.release(); return; }
    h2.dispatch(cluster, toH2Headers(method, path, headers as Record<string, string | string[]>, false), body, MIRROR_TIMEOUT_MS, MIRROR_H2);
    return;
  }
  const options = { path, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout: MIRROR_TIMEOUT_MS, bodyTimeout: MIRROR_TIMEOUT_MS, servername: UNDICI_SERVERNAME };
  runtime.pools[index]!
    .request(options)
    .then(drain, ignore)
    .finally(() => { cluster.release(); });
}
