/** The Cache-Control directives the response cache acts on; -1 where a seconds directive is absent. */
export interface CacheDirectives {
  noStore: boolean;
  noCache: boolean;
  private: boolean;
  maxAge: number;
  sMaxAge: number;
}

/** Parses a Cache-Control header (RFC 9111 §5.2); null when there is none. Unknown directives are ignored. */
export function parseCacheControl(value: string | string[] | number | undefined): CacheDirectives | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(",") : String(value);
  const d: CacheDirectives = { noStore: false, noCache: false, private: false, maxAge: -1, sMaxAge: -1 };
  for (const part of text.split(",")) {
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    const arg = eq === -1 ? "" : part.slice(eq + 1).trim().replace(/^"|"$/g, "");
    switch (name) {
      case "no-store": d.noStore = true; break;
      case "no-cache": d.noCache = true; break;
      case "private": d.private = true; break;
      case "max-age": d.maxAge = seconds(arg); break;
      case "s-maxage": d.sMaxAge = seconds(arg); break;
      default: break;
    }
  }
  return d;
}

/** Delta-seconds; a malformed value counts as 0 (stale), as RFC 9111 §1.2.2 asks. */
function seconds(arg: string): number {
  return /^\d+$/.test(arg) ? Math.min(Number(arg), 2_147_483_648) : 0;
}
