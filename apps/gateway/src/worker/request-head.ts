/** Methods whose requests carry a body: without one they still say `content-length: 0`. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
/** A request target the lean client writes as is (else the request goes through undici). */
const PLAIN_TARGET = /^[\x21-\x7e]+$/;
const UNSAFE_VALUE = /[\r\n\0]/;

/**
 * Pieces of the head, joined once: one flat string instead of a chain of concatenations (half
 * the garbage per request). Reused from call to call; cleared after each join so it keeps no
 * header values alive.
 */
const parts: string[] = [];

/**
 * The upstream request head as one string (request line, headers, blank line), written with one
 * socket write. `checkValues`: values came from policies or config, not only from Node's parser,
 * so CR/LF/NUL are looked for. null when something can't be written safely this way.
 */
export function requestHead(method: string, path: string, headers: Record<string, string | string[] | undefined>, body: Buffer | null, checkValues: boolean): string | null {
  if (!PLAIN_TARGET.test(path)) return null;
  let n = 0;
  parts[n++] = method;
  parts[n++] = " ";
  parts[n++] = path;
  parts[n++] = " HTTP/1.1\r\n";
  for (const name in headers) {
    if (name === "content-length") continue;
    const value = headers[name];
    if (typeof value === "string") {
      if (checkValues && UNSAFE_VALUE.test(value)) return null;
      parts[n++] = name;
      parts[n++] = ": ";
      parts[n++] = value;
      parts[n++] = "\r\n";
    } else if (value !== undefined) {
      for (let i = 0; i < value.length; i++) {
        if (checkValues && UNSAFE_VALUE.test(value[i]!)) return null;
        parts[n++] = name;
        parts[n++] = ": ";
        parts[n++] = value[i]!;
        parts[n++] = "\r\n";
      }
    }
  }
  if (body !== null) {
    parts[n++] = "content-length: ";
    parts[n++] = `${body.length}`;
    parts[n++] = "\r\n\r\n";
  } else if (headers["content-length"] !== undefined || BODY_METHODS.has(method)) parts[n++] = "content-length: 0\r\n\r\n";
  else parts[n++] = "\r\n";
  if (parts.length !== n) parts.length = n;
  const head = parts.join("");
  parts.fill("");
  return head;
}
