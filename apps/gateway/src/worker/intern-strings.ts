/**
 * Replaces every short string in a freshly parsed config (in place) with V8's internalized copy.
 *
 * JSON.parse internalizes object keys but only very short string values. Config values that the
 * hot path later uses as property keys (header names for auth, matching, hashing, header
 * operations; claim names) would otherwise be plain heap strings: an optimized keyed load
 * specialised on the internalized name then fails its identity check on every request, and V8
 * deoptimizes and re-optimizes the function in a loop (measured on the bench route: JWT
 * `authenticate` re-compiled every ~60 ms, each compile a ~1 ms background job that, on a busy
 * core, delays the requests in flight). One walk over the worker's own copy of each config
 * (structured clone and JSON.parse alike make plain strings) avoids all of it.
 */
const MAX_INTERNED_LENGTH = 256; // header names are at most 256 characters (HeaderNameSchema)

export function internStrings<T>(value: T): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = internOrWalk(value[i]);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = internOrWalk(record[key]);
  }
  return value;
}

function internOrWalk(v: unknown): unknown {
  if (typeof v === "string") return v.length <= MAX_INTERNED_LENGTH ? internString(v) : v;
  return internStrings(v);
}

/** The internalized string equal to `s`: property keys are always internalized. */
export function internString(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}
