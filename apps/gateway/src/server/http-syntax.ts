/** RFC 9110 token (header names, methods): what Node's checkIsHttpToken accepts. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A character Node refuses in a header value: controls other than HTAB, and DEL. */
export const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
