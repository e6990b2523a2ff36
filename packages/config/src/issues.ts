import type { z } from "zod";

export interface FieldError {
  /** Dotted path into the config, e.g. "routes.0.rules.0.destinations.1.weight". */
  path: string;
  message: string;
}

/** Flattens zod issues into field-level errors the API, CLI and console all show the same way. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

export function formatFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("\n");
}
