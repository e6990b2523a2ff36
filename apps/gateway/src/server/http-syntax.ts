/** RFC 9110 token (header names, methods): what Node's checkIsHttpToken accepts. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A character Node refuses in a header value: controls other than HTAB, and DEL. */
export const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Header names seen to be tokens: a set lookup is several times cheaper than the regex, and a
 * proxy sees the same few dozen names all day.
 */
const TOKEN_NAMES = new Set<string>();
/** Bounded so a peer sending made-up names can't grow it; past this, names are checked by the regex alone. */
const TOKEN_NAMES_MAX = 1024;

/** HTTP_TOKEN.test(name), remembering names that pass. */
export function isHeaderToken(name: string): boolean {
  if (TOKEN_NAMES.has(name)) return true;
  if (!HTTP_TOKEN.test(name)) return false;
  if (TOKEN_NAMES.size < TOKEN_NAMES_MAX) TOKEN_NAMES.add(name);
  return true;
}
