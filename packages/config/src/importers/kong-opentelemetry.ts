import type { TracingInput } from "../tracing.ts";
import { asString, isObject, warnUnknown, type Doc } from "./import-types.ts";

/** Propagation formats whose W3C part we carry over (we read and write `traceparent` only). */
const W3C_COMPATIBLE = new Set(["preserve", "w3c"]);

/**
 * Kong's `opentelemetry` plugin → settings.tracing. Kong attaches it per scope; our tracing is
 * gateway-wide, so a scoped plugin is imported as gateway-wide (with a warning). Fields with no
 * equivalent are reported, never dropped silently.
 */
export function importKongOpentelemetry(plugin: Doc, where: string, scoped: boolean, warnings: string[]): TracingInput {
  const config = isObject(plugin.config) ? plugin.config : {};
  if (scoped) warnings.push(`${where}: tracing is gateway-wide here; imported as settings.tracing for all routes`);
  if (plugin.enabled === false) warnings.push(`${where}: the plugin is disabled; imported without export`);
  // deck dumps write every unset field as null: Kong's default.
  const set: Doc = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null));
  warnUnknown(set, [
    "traces_endpoint", "endpoint", "headers", "sampling_rate", "resource_attributes", "header_type", "propagation",
    "queue", "batch_flush_delay",
  ], where, warnings);

  const tracing: TracingInput = {};
  if (typeof set.sampling_rate === "number") tracing.sampleRatio = set.sampling_rate;
  else warnings.push(`${where}: no sampling_rate (Kong then uses tracing_sampling_rate from kong.conf); settings.tracing.sampleRatio keeps its default of 1`);

  const endpoint = asString(set.traces_endpoint) ?? asString(set.endpoint);
  if (endpoint !== undefined && plugin.enabled !== false) {
    const otlp: NonNullable<TracingInput["otlp"]> = { endpoint };
    if (isObject(set.headers)) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(set.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
      otlp.headers = headers;
    }
    if (isObject(set.resource_attributes)) {
      const serviceName = asString(set.resource_attributes["service.name"]);
      if (serviceName !== undefined) otlp.serviceName = serviceName;
      for (const key of Object.keys(set.resource_attributes)) {
        if (key !== "service.name") warnings.push(`${where}: resource attribute "${key}" is not supported and was not imported`);
      }
    }
    // Kong batches by seconds of coalescing delay; ours is the batch processor's delay.
    const queue = isObject(set.queue) ? set.queue : {};
    const delay = typeof queue.max_coalescing_delay === "number" ? queue.max_coalescing_delay : typeof set.batch_flush_delay === "number" ? set.batch_flush_delay : undefined;
    if (delay !== undefined) otlp.batchDelay = Math.min(60_000, Math.max(1, Math.round(delay * 1000)));
    for (const key of Object.keys(queue)) {
      if (key !== "max_coalescing_delay" && queue[key] !== null) warnings.push(`${where}: "queue.${key}" is not supported and was not imported`);
    }
    tracing.otlp = otlp;
  } else if (endpoint === undefined) {
    warnings.push(`${where}: no traces_endpoint; only trace context propagation is imported`);
  }

  const headerType = asString(set.header_type);
  if (headerType !== undefined && !W3C_COMPATIBLE.has(headerType)) {
    warnings.push(`${where}: header_type ${headerType} is not supported; W3C traceparent is used`);
  }
  if (set.propagation !== undefined) warnings.push(`${where}: "propagation" is not imported; W3C traceparent is read and written`);
  return tracing;
}
