import type { IncomingMessage } from "node:http";
import { cookieValue, type CompiledHashKey, type CompiledSticky } from "@switchyard/routing";
import { hashString } from "@switchyard/routing";

/** The consistent-hash key of a request, hashed; an absent key hashes "" (all such requests stick together). */
export function requestHash(key: CompiledHashKey, req: IncomingMessage, clientIp: string, rawQuery: string): number {
  let value: string;
  switch (key.kind) {
    case "header": {
      const v = req.headers[key.name];
      value = v === undefined ? "" : typeof v === "string" ? v : v.join(",");
      break;
    }
    case "cookie": value = cookieValue(req.headers.cookie, key.name) ?? ""; break;
    case "query": value = rawQuery.length > 1 ? new URLSearchParams(rawQuery.slice(1)).get(key.name) ?? "" : ""; break;
    default: value = clientIp;
  }
  return hashString(value);
}

/**
 * Where a sticky split puts this request, as a fraction in [0, 1): a hash of the chosen
 * attribute, so the same user always lands on the same side, and users spread evenly. A request
 * without the attribute gets a random side.
 */
export function stickyFraction(sticky: CompiledSticky, req: IncomingMessage, clientIp: string, consumer: string): number {
  let value: string | undefined;
  switch (sticky.kind) {
    case "header": {
      const v = req.headers[sticky.name];
      value = v === undefined ? undefined : typeof v === "string" ? v : v.join(",");
      break;
    }
    case "cookie": value = cookieValue(req.headers.cookie, sticky.name); break;
    case "consumer": value = consumer === "" ? undefined : consumer; break;
    default: value = clientIp;
  }
  if (value === undefined || value === "") return Math.random();
  return hashString(value) / 4_294_967_296;
}
