import type { z } from "zod";

/** The shape of a zod schema as a form sees it: wrappers (optional, default, transforms) peeled off. */
export type FieldShape =
  | { kind: "boolean" }
  | { kind: "number" }
  | { kind: "string" }
  /** A duration: ms as a number, or text like "10s". */
  | { kind: "duration" }
  /** `numeric`: the options are number literals (e.g. redirect status codes) and the value is a number. */
  | { kind: "enum"; options: string[]; numeric?: boolean }
  | { kind: "array"; element: FieldShape }
  | { kind: "record"; value: FieldShape }
  | { kind: "object"; fields: { key: string; shape: FieldShape; optional: boolean; defaultValue: unknown }[] }
  | { kind: "other" };

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Optional / default / prefault / nullable / readonly wrappers, with what they say. */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; defaultValue: unknown } {
  let s = schema;
  let optional = false;
  let defaultValue: unknown = undefined;
  for (;;) {
    const d = defOf(s);
    if (d.type === "optional" || d.type === "nullable" || d.type === "readonly") {
      optional = optional || d.type !== "readonly";
      s = d.innerType!;
    } else if (d.type === "default" || d.type === "prefault") {
      if (defaultValue === undefined) defaultValue = structuredClone(d.defaultValue);
      s = d.innerType!;
    } else if (d.type === "pipe") {
      // Transforms: the form edits what goes in.
      s = d.in!;
    } else return { inner: s, optional, defaultValue };
  }
}

export function shapeOf(schema: z.ZodType): FieldShape {
  const { inner } = unwrap(schema);
  const d = defOf(inner);
  switch (d.type) {
    case "boolean": return { kind: "boolean" };
    case "number": case "int": return { kind: "number" };
    case "string": return { kind: "string" };
    case "enum": return { kind: "enum", options: Object.values(d.entries ?? {}) };
    case "literal": {
      const values = d.values ?? [];
      if (values.length === 1 && values[0] === true) return { kind: "boolean" };
      return { kind: "enum", options: values.map(String), ...(values.length > 0 && values.every((v) => typeof v === "number") ? { numeric: true } : {}) };
    }
    case "array": return { kind: "array", element: shapeOf(d.element!) };
    case "record": return { kind: "record", value: shapeOf(d.valueType!) };
    case "union": {
      const kinds = (d.options ?? []).map((o) => shapeOf(o).kind);
      if (kinds.includes("number") && kinds.includes("string")) return { kind: "duration" };
      if (kinds.every((k) => k === "number")) return { kind: "number" };
      // A union of literals (301 | 302 | …) is a choice between them.
      const shapes = (d.options ?? []).map(shapeOf);
      if (shapes.length > 0 && shapes.every((o) => o.kind === "enum")) {
        const enums = shapes as Extract<FieldShape, { kind: "enum" }>[];
        return { kind: "enum", options: enums.flatMap((o) => o.options), ...(enums.every((o) => o.numeric) ? { numeric: true } : {}) };
      }
      return { kind: "other" };
    }
    case "object":
      return {
        kind: "object",
        fields: Object.entries(d.shape ?? {}).map(([key, s]) => {
          const u = unwrap(s);
          return { key, shape: shapeOf(s), optional: u.optional, defaultValue: u.defaultValue };
        }),
      };
    default: return { kind: "other" };
  }
}

/** Default values of an object schema's fields (what the form starts with for a new entity). */
export function defaultsOf(schema: z.ZodType): Record<string, unknown> {
  const shape = shapeOf(schema);
  if (shape.kind !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const f of shape.fields) if (f.defaultValue !== undefined) out[f.key] = f.defaultValue;
  return out;
}

/** Keys whose words humanize() can't guess (acronyms, protocol names). */
const LABELS: Record<string, string> = {
  otlp: "OTLP export",
  http: "HTTP",
  tcp: "TCP",
  h2UpgradePolicy: "HTTP/2 to targets (h2UpgradePolicy)",
  http2MaxRequests: "HTTP/2 max requests",
  http1MaxPendingRequests: "HTTP/1 max pending requests",
  tls: "TLS to targets (tls)",
  sni: "SNI",
  insecureSkipVerify: "Skip certificate verification (insecureSkipVerify)",
  caCertificates: "CA certificates (PEM)",
  subjectAltNames: "Subject alt names the certificate must carry",
  clientCertificate: "Client certificate (PEM, MUTUAL)",
  privateKey: "Client certificate's private key (PEM, MUTUAL)",
  grpc: "gRPC health check instead (grpc.health.v1; the path is not used)",
};

/** How a string field that holds PEM text is offered (a text area that also takes a file). */
export interface PemFieldHints {
  placeholder: string;
  /** Shown under an optional field. */
  whenEmpty: string;
}

const PEM_FIELDS: Record<string, PemFieldHints> = {
  caCertificates: { placeholder: "-----BEGIN CERTIFICATE-----", whenEmpty: "Optional; left empty, the usual public CAs are trusted." },
  clientCertificate: { placeholder: "-----BEGIN CERTIFICATE-----", whenEmpty: "With mode MUTUAL: the certificate the gateway presents to the targets." },
  privateKey: { placeholder: "-----BEGIN PRIVATE KEY-----", whenEmpty: "With mode MUTUAL: the client certificate's key, unencrypted. Viewers see it redacted." },
};

/** The PEM hints of a field, or null when it is not a PEM field. */
export function pemFieldHints(key: string): PemFieldHints | null {
  return PEM_FIELDS[key] ?? null;
}

/** "key_names" / "maxRequestsPerConnection" → "Key names" / "Max requests per connection". */
export function humanize(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/_/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().replace(/\bms\b/, "(ms)");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
