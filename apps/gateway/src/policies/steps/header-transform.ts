import type { RequestTransformerConfig } from "@switchyard/config";

type Headers = Record<string, string | string[] | number | undefined>;

/**
 * Kong request/response-transformer header edits, in Kong's order: remove, rename, replace,
 * add, append; then `set` overwrites. Compiled to arrays so applying allocates nothing.
 */
export class HeaderTransform {
  private readonly remove: readonly string[];
  private readonly rename: readonly [string, string][];
  private readonly replace: readonly [string, string][];
  private readonly add: readonly [string, string][];
  private readonly append: readonly [string, string][];
  private readonly set: readonly [string, string][];

  constructor(config: RequestTransformerConfig) {
    const h = config.headers;
    this.remove = h.remove;
    this.rename = Object.entries(h.rename);
    this.replace = Object.entries(h.replace);
    this.add = Object.entries(h.add);
    this.append = Object.entries(h.append);
    this.set = Object.entries(h.set);
  }

  apply(headers: Headers): void {
    for (const name of this.remove) delete headers[name];
    for (const [from, to] of this.rename) {
      const v = headers[from];
      if (v !== undefined) { delete headers[from]; headers[to] = v; }
    }
    for (const [name, value] of this.replace) if (headers[name] !== undefined) headers[name] = value;
    for (const [name, value] of this.add) if (headers[name] === undefined) headers[name] = value;
    for (const [name, value] of this.append) {
      const v = headers[name];
      headers[name] = v === undefined ? value : Array.isArray(v) ? [...v, value] : [String(v), value];
    }
    for (const [name, value] of this.set) headers[name] = value;
  }
}
