/** A small read model over a parsed (dereferenced) OpenAPI 3.x / Swagger 2.0 document for the reference pages. */

export type Schema = {
  type?: string | string[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  title?: string;
};

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie" | "body" | "formData";
  required: boolean;
  description: string;
  schema: Schema | null;
  example: unknown;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  parameters: Parameter[];
  requestBody: { contentType: string; schema: Schema | null; example: unknown; required: boolean } | null;
  responses: { status: string; description: string; contentType: string | null; schema: Schema | null; example: unknown }[];
}

export interface ApiModel {
  title: string;
  version: string;
  description: string;
  servers: string[];
  operations: Operation[];
  schemas: [string, Schema][];
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null ? (v as Obj) : {});
const str = (v: unknown) => (typeof v === "string" ? v : "");

function firstContent(content: unknown): { contentType: string; schema: Schema | null; example: unknown } | null {
  const entries = Object.entries(obj(content));
  if (entries.length === 0) return null;
  const [contentType, media] = entries.find(([t]) => t.includes("json")) ?? entries[0]!;
  const m = obj(media);
  const examples = Object.values(obj(m.examples)).map((e) => obj(e).value);
  return { contentType, schema: (m.schema as Schema) ?? null, example: m.example ?? examples[0] };
}

export function readApi(doc: Obj): ApiModel {
  const info = obj(doc.info);
  const swagger2 = typeof doc.swagger === "string";
  const servers = swagger2
    ? [`${(doc.schemes as string[] | undefined)?.[0] ?? "https"}://${str(doc.host)}${str(doc.basePath)}`]
    : ((doc.servers as { url: string }[] | undefined) ?? []).map((s) => s.url);
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(obj(doc.paths))) {
    const item = obj(rawItem);
    const shared = (item.parameters as Obj[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const o = obj(op);
      const params = [...shared, ...((o.parameters as Obj[] | undefined) ?? [])];
      const bodyParam = params.find((p) => p.in === "body");
      const body = swagger2
        ? bodyParam ? { contentType: "application/json", schema: (bodyParam.schema as Schema) ?? null, example: undefined, required: bodyParam.required === true } : null
        : (() => { const rb = obj(o.requestBody); const c = firstContent(rb.content); return c ? { ...c, required: rb.required === true } : null; })();
      operations.push({
        id: str(o.operationId) || `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: str(o.summary),
        description: str(o.description),
        tags: (o.tags as string[] | undefined) ?? [],
        deprecated: o.deprecated === true,
        parameters: params.filter((p) => p.in !== "body").map((p) => ({
          name: str(p.name),
          in: p.in as Parameter["in"],
          required: p.required === true,
          description: str(p.description),
          schema: (p.schema as Schema) ?? (p.type ? ({ type: p.type, format: p.format, enum: p.enum } as Schema) : null),
          example: p.example,
        })),
        requestBody: body,
        responses: Object.entries(obj(o.responses)).map(([status, r]) => {
          const resp = obj(r);
          const c = swagger2 ? (resp.schema ? { contentType: "application/json", schema: resp.schema as Schema, example: obj(resp.examples)["application/json"] } : null) : firstContent(resp.content);
          return { status, description: str(resp.description), contentType: c?.contentType ?? null, schema: c?.schema ?? null, example: c?.example };
        }),
      });
    }
  }
  const schemas = Object.entries(swagger2 ? obj(doc.definitions) : obj(obj(doc.components).schemas)) as [string, Schema][];
  return { title: str(info.title), version: str(info.version), description: str(info.description), servers, operations, schemas };
}

/** An example value for a schema: its own example, else one built from its shape. */
export function exampleOf(schema: Schema | null | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return exampleOf(variant, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => exampleOf(s, depth + 1) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type ?? (schema.properties ? "object" : undefined)) {
    case "object": return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, exampleOf(v, depth + 1)]));
    case "array": return [exampleOf(schema.items, depth + 1)];
    case "integer": return 0;
    case "number": return 0;
    case "boolean": return true;
    case "string": return schema.format === "date-time" ? "2026-01-01T00:00:00Z" : schema.format === "email" ? "user@example.com" : schema.format === "uuid" ? "00000000-0000-0000-0000-000000000000" : "string";
    default: return null;
  }
}

export function typeLabel(schema: Schema | null | undefined): string {
  if (!schema) return "any";
  if (schema.oneOf) return schema.oneOf.map(typeLabel).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeLabel).join(" | ");
  const t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type ?? (schema.properties ? "object" : "any");
  if (t === "array") return `${typeLabel(schema.items)}[]`;
  return `${t}${schema.format ? ` (${schema.format})` : ""}${schema.nullable ? " | null" : ""}`;
}
