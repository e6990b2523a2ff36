import type { Tracing } from "@switchyard/config";
import type { Logger } from "../log.ts";
import type { SpanSink } from "./span-sink.ts";
import { createOtlpExport } from "./otlp-export.ts";

/** What a runtime table traces with: the sample ratio for new traces and the span sink, if any. */
export interface TracingSettings {
  readonly sampleRatio: number;
  readonly sink: SpanSink | null;
}

/**
 * A worker's span export across config versions: the exporter stays while its settings stay the
 * same, and is replaced (the old one flushed and shut down) when they change.
 */
export class TracingRuntime {
  private sink: SpanSink | null = null;
  private key = "";
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  /** The settings for a config's `settings.tracing` (absent: propagation only, everything sampled). */
  configure(tracing: Tracing | undefined): TracingSettings {
    const otlp = tracing?.otlp;
    const key = otlp === undefined ? "" : JSON.stringify(otlp);
    if (key !== this.key) {
      const old = this.sink;
      this.sink = null;
      this.key = key;
      // Requests still on the old table may end a few spans on the old sink after this; they are dropped.
      if (old !== null) void old.shutdown();
      if (otlp !== undefined) {
        try {
          this.sink = createOtlpExport(otlp, this.log);
        } catch (e) {
          this.log("error", `span export to ${otlp.endpoint} could not start: ${(e as Error).message}`);
        }
      }
    }
    return { sampleRatio: tracing?.sampleRatio ?? 1, sink: this.sink };
  }

  /** Flushes queued spans and stops exporting (worker drain). */
  async shutdown(): Promise<void> {
    const sink = this.sink;
    this.sink = null;
    this.key = "";
    if (sink !== null) await sink.shutdown();
  }
}
