/**
 * Reads one query parameter from a raw query string ("?a=1&b=2") without building a
 * URLSearchParams; null when absent.
 */
export function readQueryParam(rawQuery: string, name: string): string | null {
  let start = rawQuery.charCodeAt(0) === 63 /* ? */ ? 1 : 0;
  while (start < rawQuery.length) {
    let end = rawQuery.indexOf("&", start);
    if (end === -1) end = rawQuery.length;
    const eq = rawQuery.indexOf("=", start);
    const keyEnd = eq !== -1 && eq < end ? eq : end;
    if (keyEnd - start === name.length && rawQuery.startsWith(name, start)) {
      const value = eq !== -1 && eq < end ? rawQuery.slice(eq + 1, end) : "";
      try {
        return decodeURIComponent(value.replace(/\+/g, " "));
      } catch {
        return value;
      }
    }
    start = end + 1;
  }
  return null;
}

/** The raw query without every occurrence of `name` ("" when nothing is left). */
export function removeQueryParam(rawQuery: string, name: string): string {
  const body = rawQuery.startsWith("?") ? rawQuery.slice(1) : rawQuery;
  const kept = body.split("&").filter((part) => {
    const eq = part.indexOf("=");
    return (eq === -1 ? part : part.slice(0, eq)) !== name;
  });
  return kept.length === 0 || (kept.length === 1 && kept[0] === "") ? "" : `?${kept.join("&")}`;
}

/** One cookie's value from a Cookie header; null when absent. */
export function readCookie(header: string | string[], name: string): string | null {
  const text = Array.isArray(header) ? header.join("; ") : header;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(";", start);
    if (end === -1) end = text.length;
    while (text.charCodeAt(start) === 32) start++;
    const eq = text.indexOf("=", start);
    if (eq !== -1 && eq < end && eq - start === name.length && text.startsWith(name, start)) {
      let value = text.slice(eq + 1, end).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      return value;
    }
    start = end + 1;
  }
  return null;
}
