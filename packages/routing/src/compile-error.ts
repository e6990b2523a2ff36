/**
 * A config that passed the schema but can't be turned into a routing table.
 * `code` is stable (callers match on it, also across threads, where `instanceof` fails);
 * `path` is the dotted config path, as in `FieldError`.
 */
export class ConfigCompileError extends Error {
  readonly code: string;
  readonly path: string;

  constructor(code: string, path: string, message: string) {
    super(message);
    this.name = "ConfigCompileError";
    this.code = code;
    this.path = path;
  }
}

export const CompileErrorCode = {
  UnknownService: "SY_COMPILE_UNKNOWN_SERVICE",
  UnknownSubset: "SY_COMPILE_UNKNOWN_SUBSET",
  DuplicateRoute: "SY_COMPILE_DUPLICATE_ROUTE",
  InvalidRegex: "SY_COMPILE_INVALID_REGEX",
  InvalidPath: "SY_COMPILE_INVALID_PATH",
  StripPathRegex: "SY_COMPILE_STRIP_PATH_REGEX",
  NoWeight: "SY_COMPILE_NO_WEIGHT",
  InvalidCredential: "SY_COMPILE_INVALID_CREDENTIAL",
  InvalidCertificate: "SY_COMPILE_INVALID_CERTIFICATE",
} as const;

/** True for a ConfigCompileError, also one that crossed a thread boundary as a plain object. */
export function isConfigCompileError(error: unknown): error is ConfigCompileError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    (error as { code: string }).code.startsWith("SY_COMPILE_")
  );
}
