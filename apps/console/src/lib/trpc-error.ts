import type { FieldError } from "@switchyard/config";

/** The tRPC error code ("UNAUTHORIZED", "BAD_REQUEST", …) of a client error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === "string" ? data.code : undefined;
}

/** Field errors the API attaches to config validation failures (`error.data.fieldErrors`). */
export function serverFieldErrors(error: unknown): FieldError[] {
  const data = (error as { data?: { fieldErrors?: unknown } } | null)?.data;
  return Array.isArray(data?.fieldErrors) ? (data.fieldErrors as FieldError[]) : [];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
