import { TRPCClientError } from "@trpc/client";
import { formatFieldErrors, type FieldError } from "@switchyard/config";

/** An error the CLI reports as one message and exit code 1, without a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** Turns transport and API errors into messages a user can act on. */
export function describeError(error: unknown, url: string): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; fieldErrors?: FieldError[] | null } | undefined;
    if (data?.fieldErrors?.length) return `Rejected by the control plane:\n${indent(formatFieldErrors(data.fieldErrors))}`;
    if (data?.code === "UNAUTHORIZED") return `Not authenticated at ${url}: ${error.message} (check SWITCHYARD_TOKEN or SWITCHYARD_ADMIN_PASSWORD)`;
    if (data?.code === "FORBIDDEN") return `Not allowed: ${error.message}`;
    if (!data) return unreachable(error.cause ?? error, url);
    return error.message;
  }
  if (isNetworkError(error)) return unreachable(error, url);
  return error instanceof Error ? error.message : String(error);
}

function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

function unreachable(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? "";
  return `Cannot reach the control plane at ${url}${detail ? ` (${detail})` : ""}. Is it running? Set SWITCHYARD_URL to point elsewhere.`;
}

export function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
