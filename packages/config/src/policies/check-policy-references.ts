import type { z } from "zod";
import type { Consumer } from "../consumer.ts";
import { REDACTED_SECRET } from "../secret-fields.ts";
import { AUTH_POLICY_TYPES, type Policy } from "./policy.ts";

interface Refs {
  services: ReadonlySet<string>;
  routes: ReadonlySet<string>;
  policies: readonly Policy[];
  consumers: readonly Consumer[];
}

/**
 * Cross-reference checks of policies and consumers, with paths into the whole config: scopes
 * name things that exist, names and credentials are unique, one policy per type and scope.
 */
export function checkPolicyReferences(refs: Refs, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });

  const usernames = new Set<string>();
  const customIds = new Set<string>();
  const keyHashes = new Set<string>();
  const jwtKeys = new Set<string>();
  const basicUsers = new Set<string>();
  refs.consumers.forEach((c, i) => {
    if (usernames.has(c.username)) issue(["consumers", i, "username"], `Duplicate consumer "${c.username}"`);
    usernames.add(c.username);
    if (c.custom_id !== undefined) {
      if (customIds.has(c.custom_id)) issue(["consumers", i, "custom_id"], `Duplicate custom_id "${c.custom_id}"`);
      customIds.add(c.custom_id);
    }
    c.credentials.key_auth.forEach((k, j) => {
      // Redacted hashes all read the same; the secret check refuses each of them on its own.
      if (k.key_hash === REDACTED_SECRET) return;
      if (keyHashes.has(k.key_hash)) issue(["consumers", i, "credentials", "key_auth", j, "key_hash"], "This API key is already used by a consumer");
      keyHashes.add(k.key_hash);
    });
    c.credentials.jwt.forEach((k, j) => {
      if (jwtKeys.has(k.key)) issue(["consumers", i, "credentials", "jwt", j, "key"], `JWT key "${k.key}" is already used`);
      jwtKeys.add(k.key);
    });
    c.credentials.basic_auth.forEach((b, j) => {
      if (basicUsers.has(b.username)) issue(["consumers", i, "credentials", "basic_auth", j, "username"], `Basic-auth username "${b.username}" is already used`);
      basicUsers.add(b.username);
    });
  });

  const names = new Set<string>();
  const attached = new Set<string>();
  refs.policies.forEach((p, i) => {
    if (names.has(p.name)) issue(["policies", i, "name"], `Duplicate policy name "${p.name}"`);
    names.add(p.name);
    const scope = p.scope;
    if (scope.kind === "service" && !refs.services.has(scope.name)) issue(["policies", i, "scope", "name"], `Unknown service "${scope.name}"`);
    if (scope.kind === "route" && !refs.routes.has(scope.name)) issue(["policies", i, "scope", "name"], `Unknown route "${scope.name}"`);
    if (scope.kind === "consumer") {
      if (!usernames.has(scope.name)) issue(["policies", i, "scope", "name"], `Unknown consumer "${scope.name}"`);
      if (AUTH_POLICY_TYPES.includes(p.type)) issue(["policies", i, "scope", "kind"], `A ${p.type} policy identifies consumers, so it can't be attached to one`);
    }
    const at = `${p.type}\u0000${scope.kind}\u0000${scope.kind === "global" ? "" : scope.name}`;
    if (p.enabled && attached.has(at)) {
      issue(["policies", i, "scope"], `Another enabled ${p.type} policy is already attached ${scope.kind === "global" ? "globally" : `to ${scope.kind} "${scope.name}"`}`);
    }
    if (p.enabled) attached.add(at);
    if ((p.type === "key-auth" || p.type === "jwt" || p.type === "basic-auth") && p.config.anonymous !== undefined && !usernames.has(p.config.anonymous)) {
      issue(["policies", i, "config", "anonymous"], `Unknown consumer "${p.config.anonymous}"`);
    }
  });
}
