import type { GatewayConfig } from "@switchyard/config";
import { canonicalizePath, compileConfig, cookieValue, hashString, matchRoute, pickDestination, policiesInRunOrder, type AppliedPolicy, type CompiledRule, type MatchRequest } from "@switchyard/routing";
import { blockFailure, describeHost, hostFailure, routeFailure } from "./explain-match.ts";

export interface SimulateInput {
  method: string;
  host?: string | undefined;
  /** Path with an optional query string. */
  path: string;
  headers?: Record<string, string> | undefined;
  /** Authenticated consumer (username): consumer-scoped policies and sticky-by-consumer. */
  consumer?: string | undefined;
  clientIp?: string | undefined;
}

export interface RouteVerdict {
  route: string;
  host: string;
  /** "matched", "failed" (with reason) or "not-tried" (an earlier route took the request). */
  outcome: "matched" | "failed" | "not-tried";
  reason: string | null;
  rules: { index: number; name: string | null; outcome: "matched" | "failed" | "not-tried"; reason: string | null }[];
}

export interface SimulateResult {
  /** The path the gateway routes on, or null when it rejects the path outright. */
  canonicalPath: string | null;
  match: { route: string; rule: number; ruleName: string | null } | null;
  verdicts: RouteVerdict[];
  destinations: {
    service: string;
    subset: string | null;
    weight: number;
    probability: number;
    loadBalancer: string;
    targets: { address: string; share: number }[];
  }[];
  sticky: { on: string; value: string | null; picked: { service: string; subset: string | null } | null } | null;
  answer: { kind: "redirect" | "direct"; status: number } | null;
  policies: AppliedPolicy[];
}

function explainRules(rules: readonly CompiledRule[], req: MatchRequest, matched: number | null): RouteVerdict["rules"] {
  return rules.map((rule, r) => {
    if (matched !== null && r > matched) return { index: r, name: rule.name, outcome: "not-tried" as const, reason: "an earlier rule matched" };
    if (rule.match === null) return { index: r, name: rule.name, outcome: "matched" as const, reason: null };
    const failures = rule.match.map((b) => blockFailure(b, req));
    if (failures.some((f) => f === null)) return { index: r, name: rule.name, outcome: "matched" as const, reason: null };
    return { index: r, name: rule.name, outcome: "failed" as const, reason: failures.length === 1 ? failures[0]! : failures.map((f, i) => `block ${i + 1}: ${f}`).join("; ") };
  });
}

/**
 * What the gateway would do with a request under `config`: the route and rule chosen by the data
 * plane's own matcher (packages/routing), why every other route entry didn't take it, the
 * destination split, the sticky pick and the policies in run order.
 */
export function simulateRequest(config: GatewayConfig, input: SimulateInput): SimulateResult {
  const table = compileConfig(config);
  const q = input.path.indexOf("?");
  const query = q === -1 ? null : new URLSearchParams(input.path.slice(q + 1));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const canonicalPath = canonicalizePath(input.path);
  const empty = { destinations: [], sticky: null, answer: null, policies: [] };
  if (canonicalPath === null) return { canonicalPath, match: null, verdicts: [], ...empty };

  const req: MatchRequest = { method: input.method.toUpperCase(), host: input.host ?? null, path: canonicalPath, headers, query };
  const found = matchRoute(table, req);

  const verdicts: RouteVerdict[] = [];
  let decided = false;
  for (const entry of table.entries) {
    const base = { route: entry.route.name, host: describeHost(entry.host) };
    if (decided) {
      verdicts.push({ ...base, outcome: "not-tried", reason: "an earlier route matched", rules: [] });
      continue;
    }
    const failure = hostFailure(entry.host, req.host) ?? routeFailure(entry.route, req);
    if (failure !== null) {
      verdicts.push({ ...base, outcome: "failed", reason: failure, rules: [] });
      continue;
    }
    const isWinner = found !== null && found.route === entry.route;
    const rules = explainRules(entry.route.rules, req, isWinner ? found.ruleIndex : null);
    if (isWinner) {
      decided = true;
      verdicts.push({ ...base, outcome: "matched", reason: null, rules });
    } else {
      verdicts.push({ ...base, outcome: "failed", reason: "no rule matched", rules });
    }
  }
  if (found === null) return { canonicalPath, match: null, verdicts, ...empty };

  const rule = found.rule;
  const destinations = rule.destinations.map((d) => ({
    service: d.service,
    subset: d.subset === "" ? null : d.subset,
    weight: d.weight,
    probability: rule.destinations.length === 1 ? 1 : d.weight / rule.weightTotal,
    loadBalancer: d.loadBalancer,
    targets: d.targets.map((t) => ({ address: `${t.host}:${t.port}`, share: d.targetWeightTotal === 0 ? 0 : t.weight / d.targetWeightTotal })),
  }));

  let sticky: SimulateResult["sticky"] = null;
  if (rule.sticky !== null && rule.destinations.length > 0) {
    const s = rule.sticky;
    const value = s.kind === "header" ? headers[s.name] ?? null
      : s.kind === "cookie" ? cookieValue(headers.cookie, s.name) ?? null
      : s.kind === "consumer" ? input.consumer ?? null
      : input.clientIp ?? "127.0.0.1";
    const on = s.kind === "ip" ? "client IP" : s.kind === "consumer" ? "consumer" : `${s.kind} ${s.name}`;
    // Without the attribute the gateway picks a side at random, as for an unsticky split.
    const picked = value === null || value === "" ? null : pickDestination(rule, hashString(value) / 4_294_967_296);
    sticky = { on, value, picked: picked ? { service: picked.service, subset: picked.subset === "" ? null : picked.subset } : null };
  }

  const answer = rule.redirect ? { kind: "redirect" as const, status: rule.redirect.status } : rule.directResponse ? { kind: "direct" as const, status: rule.directResponse.status } : null;
  const services = [...new Set(rule.destinations.map((d) => d.service))];
  return {
    canonicalPath,
    match: { route: found.route.name, rule: found.ruleIndex, ruleName: rule.name },
    verdicts,
    destinations,
    sticky,
    answer,
    policies: policiesInRunOrder(config.policies ?? [], { route: found.route.name, services, consumer: input.consumer ?? null }),
  };
}
