const HEX = "0123456789ABCDEF";

/** RFC 3986 unreserved characters: decoding them never changes what a path means. */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e // - . _ ~
  );
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * The one canonical form of a request path, used both to pick the route and as the path sent
 * upstream, so the gateway and the upstream can never disagree about what was asked for.
 *
 * - the query string and fragment are dropped (the caller forwards the raw query separately);
 * - percent-encoded unreserved characters are decoded (so `%2e%2e` is `..`), other escapes are
 *   kept with upper-case hex;
 * - `.` and `..` segments are resolved (never above the root) and empty segments merged;
 * - null is returned for what no route should ever see: a path that isn't origin-form, an
 *   encoded `/` or `\` (`%2F`, `%5C`), a backslash, NUL or other control characters, or a
 *   broken escape.
 */
export function canonicalizePath(raw: string): string | null {
  let end = raw.length;
  const q = raw.indexOf("?");
  if (q !== -1) end = q;
  const h = raw.indexOf("#");
  if (h !== -1 && h < end) end = h;
  if (end === 0 || raw.charCodeAt(0) !== 0x2f) return null;

  // Fast path: nothing to decode, no dot segment, no empty segment.
  let simple = true;
  for (let i = 0; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c || c === 0x25) { simple = false; break; }
    if (c === 0x2f && i + 1 < end) {
      const n = raw.charCodeAt(i + 1);
      if (n === 0x2f || n === 0x2e) { simple = false; break; }
    }
  }
  if (simple) return end === raw.length ? raw : raw.slice(0, end);

  // Decode into segments.
  const segments: string[] = [];
  let segment = "";
  for (let i = 1; i <= end; i++) {
    if (i === end) { segments.push(segment); break; }
    const c = raw.charCodeAt(i);
    if (c === 0x2f) { segments.push(segment); segment = ""; continue; }
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return null;
    if (c === 0x25) {
      if (i + 2 >= end) return null;
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      const byte = hi * 16 + lo;
      if (byte === 0x2f || byte === 0x5c || byte < 0x20 || byte === 0x7f) return null;
      segment += isUnreserved(byte) ? String.fromCharCode(byte) : "%" + HEX[hi] + HEX[lo];
      i += 2;
      continue;
    }
    segment += raw[i];
  }

  // Resolve dot segments (RFC 3986 5.2.4) and merge empty ones.
  const out: string[] = [];
  let trailingSlash = false;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const last = i === segments.length - 1;
    if (s === "." || s === "..") {
      if (s === ".." && out.length > 0) out.pop();
      if (last) trailingSlash = true;
      continue;
    }
    if (s === "") {
      if (last) trailingSlash = true;
      continue;
    }
    out.push(s);
  }
  if (out.length === 0) return "/";
  return "/" + out.join("/") + (trailingSlash ? "/" : "");
}
