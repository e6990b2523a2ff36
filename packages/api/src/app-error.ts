import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import type { FieldError } from "@switchyard/config";

/** Control-plane error table: a stable code, mapped once to a tRPC code (and so an HTTP status). */
export const APP_ERROR_CODES = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  INVALID_CONFIG: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: AppErrorCode;
  readonly fieldErrors: FieldError[] | null;

  constructor(code: AppErrorCode, message: string, options: { fieldErrors?: FieldError[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.fieldErrors = options.fieldErrors ?? null;
  }
}

/** By name and code rather than instanceof, so it holds across module copies. */
export function isAppError(error: unknown): error is AppError {
  return error instanceof Error && error.name === "AppError" && typeof (error as AppError).code === "string" && (error as AppError).code in APP_ERROR_CODES;
}
