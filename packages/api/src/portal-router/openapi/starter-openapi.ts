import type { Route } from "@switchyard/config";
import { stringify } from "yaml";

/**
 * A starting OpenAPI 3.1 document from a product's routes: one path per route (its prefix or
 * exact path; regex routes are left out), one operation per method the route allows (GET when
 * it allows any), with the API-key security scheme the portal's gateway policies use.
 */
export function starterOpenApi(options: { title: string; description: string; routes: Route[]; serverUrl: string }): string {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) {
    if (route.path.type === "regex") continue;
    const path = route.path.value.replace(/\/+$/, "") || "/";
    const methods = route.methods && route.methods.length > 0 ? route.methods.map((m) => m.toLowerCase()) : ["get"];
    const item: Record<string, unknown> = {};
    for (const method of methods) {
      item[method] = {
        operationId: `${method}-${route.name}`.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()),
        summary: `${method.toUpperCase()} ${path}`,
        tags: [route.name],
        responses: {
          "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } },
          "401": { description: "No or unknown API key" },
          "429": { description: "Plan limit exceeded" },
        },
      };
    }
    paths[path] = item;
  }
  const doc = {
    openapi: "3.1.0",
    info: { title: options.title, version: "1.0.0", ...(options.description ? { description: options.description } : {}) },
    servers: [{ url: options.serverUrl }],
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "apikey" } } },
    paths,
  };
  return stringify(doc);
}
