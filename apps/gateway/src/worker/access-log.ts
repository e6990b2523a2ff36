import pino, { type Logger } from "pino";

/** Where access-log lines go: "stdout", "off", or a file path (appended). */
export interface AccessLogOptions {
  destination: string;
  /** Fraction of requests logged, 0..1. */
  sampleRate: number;
}

export interface AccessLogEntry {
  requestId: string;
  /** "HTTP/1.1", "HTTP/1.0" or "HTTP/2" (Envoy's %PROTOCOL%). */
  protocol: string;
  method: string;
  path: string;
  route: string;
  rule: number | null;
  service: string;
  subset: string;
  target: string;
  status: number;
  flag: string;
  durationMs: number;
  upstreamMs: number | null;
  consumer: string;
  requestBytes: number;
  responseBytes: number;
  traceId: string;
}

export interface AccessLog {
  /** Whether this request is logged; decided before building the entry, so unsampled requests cost nothing. */
  sample(): boolean;
  write(entry: AccessLogEntry): void;
  flush(): void;
}

/**
 * One JSON line per request through pino with an asynchronous destination: a write only appends
 * to a buffer flushed off the request path. Nothing here throws into the proxy.
 */
export function createAccessLog(options: AccessLogOptions): AccessLog | null {
  if (options.destination === "off" || options.sampleRate <= 0) return null;
  let logger: Logger;
  try {
    const dest = pino.destination({
      dest: options.destination === "stdout" ? 1 : options.destination,
      // Asynchronous: while one write is in flight, new lines gather and go out in the next one.
      sync: false,
      mkdir: true,
    });
    dest.on("error", () => {});
    logger = pino({ base: null, messageKey: "msg", timestamp: pino.stdTimeFunctions.isoTime }, dest);
  } catch {
    return null;
  }
  const rate = Math.min(1, options.sampleRate);
  return {
    sample: rate >= 1 ? () => true : () => Math.random() < rate,
    write(entry) {
      try {
        logger.info(entry);
      } catch {
        // A full disk or closed stream must not fail a request.
      }
    },
    flush() {
      try {
        logger.flush();
      } catch {
        // Same as above.
      }
    },
  };
}
