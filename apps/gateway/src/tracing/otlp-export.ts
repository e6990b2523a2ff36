import { createRequire } from "node:module";
import type { ServerResponse } from "node:http";
import type { OtlpExport } from "@switchyard/config";
import type * as Api from "@opentelemetry/api";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import type * as Resources from "@opentelemetry/resources";
import type * as OtlpHttp from "@opentelemetry/exporter-trace-otlp-http";
import type * as Semconv from "@opentelemetry/semantic-conventions";
import type { Logger } from "../log.ts";
import { SOFTWARE_VERSION } from "../version.ts";
import { newSpanId, type RequestTrace } from "../worker/trace-context.ts";
import type { AttemptSpan, ServerResult, ServerSpan, SpanSink } from "./span-sink.ts";

interface Otel {
  api: typeof Api;
  sdk: typeof SdkTrace;
  resources: typeof Resources;
  otlp: typeof OtlpHttp;
  semconv: typeof Semconv;
}

let otel: Otel | null = null;

/**
 * The OpenTelemetry packages, loaded the first time a config asks for export: a gateway that
 * never exports never loads them.
 */
function loadOtel(): Otel {
  if (otel === null) {
    const require = createRequire(import.meta.url);
    otel = {
      api: require("@opentelemetry/api") as typeof Api,
      sdk: require("@opentelemetry/sdk-trace") as typeof SdkTrace,
      resources: require("@opentelemetry/resources") as typeof Resources,
      otlp: require("@opentelemetry/exporter-trace-otlp-http") as typeof OtlpHttp,
      semconv: require("@opentelemetry/semantic-conventions") as typeof Semconv,
    };
  }
  return otel;
}

/** ExportResultCode.SUCCESS in @opentelemetry/core. */
const EXPORT_SUCCESS = 0;

type SemconvNames = typeof Semconv;

class Server implements ServerSpan {
  readonly spanId: string;
  readonly span: Api.Span;
  /** Context whose active span is this one: the parent of the attempts. */
  readonly context: Api.Context;
  readonly method: string;
  private readonly sc: SemconvNames;
  private readonly errorCode: Api.SpanStatusCode;
  private recorded = false;
  private closed = false;
  constructor(span: Api.Span, context: Api.Context, method: string, sc: SemconvNames, errorCode: Api.SpanStatusCode) {
    this.span = span;
    this.spanId = span.spanContext().spanId;
    this.context = context;
    this.method = method;
    this.sc = sc;
    this.errorCode = errorCode;
  }

  /** The response closed: the span ends now, or when the request is counted if that comes later. */
  close(): void {
    this.closed = true;
    if (this.recorded) this.span.end();
  }

  record(r: ServerResult): void {
    if (this.recorded) return;
    this.recorded = true;
    const { span, sc } = this;
    if (r.route !== "") {
      span.updateName(`${this.method} ${r.route}`);
      span.setAttribute(sc.ATTR_HTTP_ROUTE, r.route);
      span.setAttribute("switchyard.route", r.route);
    }
    if (r.status > 0) span.setAttribute(sc.ATTR_HTTP_RESPONSE_STATUS_CODE, r.status);
    if (r.flag !== "") span.setAttribute("switchyard.flag", r.flag);
    if (r.rule >= 0) span.setAttribute("switchyard.rule", r.rule);
    if (r.service !== "") span.setAttribute("switchyard.service", r.service);
    if (r.subset !== "") span.setAttribute("switchyard.subset", r.subset);
    if (r.consumer !== "") span.setAttribute("switchyard.consumer", r.consumer);
    if (r.status >= 500) {
      span.setAttribute(sc.ATTR_ERROR_TYPE, r.flag !== "" ? r.flag : String(r.status));
      span.setStatus({ code: this.errorCode });
    }
    if (this.closed) span.end();
  }
}

class Attempt implements AttemptSpan {
  readonly spanId: string;
  private readonly span: Api.Span;
  private readonly sc: SemconvNames;
  private readonly errorCode: Api.SpanStatusCode;
  constructor(span: Api.Span, sc: SemconvNames, errorCode: Api.SpanStatusCode) {
    this.span = span;
    this.spanId = span.spanContext().spanId;
    this.sc = sc;
    this.errorCode = errorCode;
  }

  end(status: number, error: string): void {
    const { span, sc } = this;
    if (status > 0) span.setAttribute(sc.ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (error !== "" || status >= 500) {
      span.setAttribute(sc.ATTR_ERROR_TYPE, error !== "" ? error : String(status));
      span.setStatus({ code: this.errorCode });
    }
    span.end();
  }
}

/**
 * The SDK's ids come from here: span ids from the gateway's pooled generator, and the trace id of
 * a root span is the one the request was already given (set just before the span is started; all
 * of this runs synchronously on the worker's one thread).
 */
class GatewayIds implements SdkTrace.IdGenerator {
  next = "";
  generateTraceId(): string { return this.next; }
  generateSpanId(): string { return newSpanId(); }
}

/**
 * Exports a SERVER span per sampled request and a CLIENT span per upstream attempt over
 * OTLP/HTTP (JSON) through a batch processor. A failing collector is logged once per outage;
 * requests never wait for or see an export.
 */
export function createOtlpExport(options: OtlpExport, log: Logger): SpanSink {
  const { api, sdk, resources, otlp, semconv } = loadOtel();
  const inner = new otlp.OTLPTraceExporter({ url: options.endpoint, headers: { ...options.headers }, timeoutMillis: options.timeout });
  let failing = false;
  const exporter: SdkTrace.SpanExporter = {
    export(spans, done) {
      inner.export(spans, (result) => {
        if (result.code !== EXPORT_SUCCESS) {
          if (!failing) log("warn", `span export to ${options.endpoint} failed (further failures are not logged until it recovers): ${result.error?.message ?? "unknown error"}`);
          failing = true;
        } else if (failing) {
          failing = false;
          log("info", `span export to ${options.endpoint} recovered`);
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush(),
  };
  const ids = new GatewayIds();
  const provider = new sdk.TracerProvider({
    // Sampling is decided before a span exists (parent-based, settings.tracing.sampleRatio).
    sampler: new sdk.AlwaysOnSampler(),
    idGenerator: ids,
    resource: resources.resourceFromAttributes({
      [semconv.ATTR_SERVICE_NAME]: options.serviceName,
      [semconv.ATTR_SERVICE_VERSION]: SOFTWARE_VERSION,
    }),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: options.batchDelay, exportTimeoutMillis: options.timeout })],
  });
  const tracer = provider.getTracer("switchyard-gateway", SOFTWARE_VERSION);
  const { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace: traceApi, TraceFlags } = api;

  const errorCode = SpanStatusCode.ERROR;

  return {
    startServer(trace: RequestTrace, method: string, path: string, res: ServerResponse): ServerSpan {
      const parent = trace.parentId === "" ? ROOT_CONTEXT : traceApi.setSpanContext(ROOT_CONTEXT, {
        traceId: trace.traceId, spanId: trace.parentId, traceFlags: TraceFlags.SAMPLED, isRemote: true,
      });
      ids.next = trace.traceId;
      const span = tracer.startSpan(method, {
        kind: SpanKind.SERVER,
        attributes: { [semconv.ATTR_HTTP_REQUEST_METHOD]: method, [semconv.ATTR_URL_PATH]: path },
      }, parent);
      const s = new Server(span, traceApi.setSpan(ROOT_CONTEXT, span), method, semconv, errorCode);
      res.once("close", () => s.close());
      return s;
    },

    startAttempt(server: ServerSpan, attempt: number, host: string, port: number): AttemptSpan {
      const s = server as Server;
      const attributes: Api.Attributes = {
        [semconv.ATTR_HTTP_REQUEST_METHOD]: s.method,
        [semconv.ATTR_SERVER_ADDRESS]: host,
        [semconv.ATTR_SERVER_PORT]: port,
        "switchyard.attempt": attempt,
      };
      if (attempt > 1) attributes[semconv.ATTR_HTTP_REQUEST_RESEND_COUNT] = attempt - 1;
      return new Attempt(tracer.startSpan(s.method, { kind: SpanKind.CLIENT, attributes }, s.context), semconv, errorCode);
    },

    async shutdown(): Promise<void> {
      try {
        await provider.shutdown();
      } catch {
        // The collector being gone at shutdown is not worth more than the spans it would have had.
      }
    },
  };
}
