import SwaggerParser from "@apidevtools/swagger-parser";
import { parse as parseYaml } from "yaml";

export interface OpenApiProblem {
  /** JSON pointer into the document ("#/paths/~1users/get"), "" when it applies to the whole text. */
  path: string;
  message: string;
}

export type OpenApiValidation =
  | { ok: true; document: Record<string, unknown>; title: string; version: string; operations: number }
  | { ok: false; problems: OpenApiProblem[] };

const MAX_BYTES = 2_000_000;

/**
 * Parses an uploaded OpenAPI (3.x) or Swagger (2.0) document, YAML or JSON, and validates it
 * with swagger-parser against the official schema. References stay inside the document: files
 * and URLs are never fetched.
 */
export async function validateOpenApi(text: string): Promise<OpenApiValidation> {
  if (text.length > MAX_BYTES) return { ok: false, problems: [{ path: "", message: `The document is larger than ${MAX_BYTES} bytes` }] };
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [{ path: "", message: `Not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}` }] };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: "", message: "Expected an object with an openapi (or swagger) field" }] };
  }
  try {
    const document = (await SwaggerParser.validate(structuredClone(raw) as never, { resolve: { external: false } })) as unknown as Record<string, unknown>;
    const info = (document.info ?? {}) as { title?: string; version?: string };
    let operations = 0;
    for (const item of Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) if (item?.[method]) operations++;
    }
    return { ok: true, document, title: info.title ?? "", version: info.version ?? "", operations };
  } catch (error) {
    return { ok: false, problems: problemsOf(error as Error & { details?: { instancePath?: string; path?: string[]; message?: string }[] }) };
  }
}

function problemsOf(error: Error & { details?: { instancePath?: string; path?: string[]; message?: string }[] }): OpenApiProblem[] {
  if (Array.isArray(error.details) && error.details.length > 0) {
    return error.details.slice(0, 50).map((d) => ({
      path: d.instancePath !== undefined ? `#${d.instancePath}` : d.path ? `#/${d.path.join("/")}` : "",
      message: d.message ?? "Invalid",
    }));
  }
  const lines = error.message.split("\n").map((l) => l.trim()).filter(Boolean);
  const head = lines[0] ?? "Invalid OpenAPI document";
  const rest = lines.slice(1, 51);
  if (rest.length === 0) return [{ path: "", message: head }];
  return rest.map((line) => {
    const m = /^(#\/\S*)\s+(.*)$/.exec(line);
    return m ? { path: m[1]!, message: m[2]! } : { path: "", message: line };
  });
}
