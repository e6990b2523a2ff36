import { randomBytes } from "node:crypto";

/** Short lowercase ids: they end up in consumer names, which must fit the config's NameSchema. */
export function newPortalId(): string {
  return randomBytes(8).toString("hex");
}
