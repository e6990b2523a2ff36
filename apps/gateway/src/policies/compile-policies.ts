import type { GatewayConfig, Policy, PolicyOf, PolicyType } from "@switchyard/config";
import { ConfigCompileError, type CompiledConfig, type CompiledRule } from "@switchyard/routing";
import { AuthStep, type AuthPolicy } from "./auth/auth-step.ts";
import { buildConsumerDirectory, DirectoryError, type ConsumerDirectory } from "./auth/consumer-directory.ts";
import type { Pipeline } from "./pipeline.ts";
import type { AccessStep } from "./policy-request.ts";
import type { PolicyRuntime } from "./policy-runtime.ts";
import { RateLimitStep } from "./rate-limit/rate-limit-step.ts";
import { AclStep } from "./steps/acl-step.ts";
import { CorsStep } from "./steps/cors-step.ts";
import { HeaderTransform } from "./steps/header-transform.ts";
import { IpRestrictionStep } from "./steps/ip-restriction-step.ts";
import { SizeLimitStep } from "./steps/size-limit-step.ts";
import { TerminationStep } from "./steps/termination-step.ts";

/** Policies of a config, compiled once per version: a pipeline per rule that has policies. */
export interface CompiledPolicies {
  readonly byRule: ReadonlyMap<CompiledRule, Pipeline>;
  /** Routes with at least one pipeline. */
  readonly routes: ReadonlySet<string>;
  readonly directory: ConsumerDirectory;
}

const AUTH_ORDER: readonly PolicyType[] = ["key-auth", "jwt", "basic-auth"];
const SCOPE_RANK = { global: 0, service: 1, route: 2, consumer: 3 } as const;

/**
 * Resolves which policies apply to each route rule (the most specific attachment of each
 * type wins: route over service (any service the rule sends to) over global; a consumer's own policies over all three once
 * it is authenticated), builds their steps, keys and prepared JWT keys. null when the config
 * has no enabled policy, so the proxy's path stays exactly as without policies.
 */
export function compilePolicies(config: GatewayConfig, table: CompiledConfig, runtime: PolicyRuntime): CompiledPolicies | null {
  const policies = (config.policies ?? []).filter((p) => p.enabled);
  let directory: ConsumerDirectory;
  try {
    directory = buildConsumerDirectory(config.consumers ?? []);
  } catch (e) {
    if (e instanceof DirectoryError) throw new ConfigCompileError("SY_COMPILE_INVALID_CREDENTIAL", e.path, e.message);
    throw e;
  }
  runtime.registerJwksIssuers(directory.jwksIssuers);
  if (policies.length === 0) return null;

  const byConsumer = new Map<string, Policy[]>();
  for (const p of policies) {
    if (p.scope.kind !== "consumer") continue;
    const list = byConsumer.get(p.scope.name) ?? [];
    list.push(p);
    byConsumer.set(p.scope.name, list);
  }

  const steps = new Map<string, AccessStep>();
  const transforms = new Map<string, HeaderTransform>();
  const stepFor = (key: string, make: () => AccessStep): AccessStep => {
    let s = steps.get(key);
    if (s === undefined) { s = make(); steps.set(key, s); }
    return s;
  };
  const transformFor = (p: PolicyOf<"request-transformer"> | PolicyOf<"response-transformer">): HeaderTransform => {
    let t = transforms.get(p.name);
    if (t === undefined) { t = new HeaderTransform(p.config); transforms.set(p.name, t); }
    return t;
  };

  const build = (route: string, service: string, chosen: Map<PolicyType, Policy>, consumerOverrides: boolean): Pipeline => {
    const access: AccessStep[] = [];
    const get = <T extends PolicyType>(t: T) => chosen.get(t) as PolicyOf<T> | undefined;
    const ip = get("ip-restriction");
    if (ip) access.push(stepFor(ip.name, () => new IpRestrictionStep(ip.config)));
    const cors = get("cors");
    if (cors) access.push(stepFor(cors.name, () => new CorsStep(cors.config)));
    const auth = AUTH_ORDER.map((t) => chosen.get(t)).filter((p): p is AuthPolicy => p !== undefined);
    if (auth.length > 0) access.push(stepFor(auth.map((p) => p.name).join("+"), () => new AuthStep(auth, directory)));
    const afterAuth = access.length;
    const acl = get("acl");
    if (acl) access.push(stepFor(acl.name, () => new AclStep(acl.config)));
    const rl = get("rate-limit");
    if (rl) access.push(stepFor(rl.name, () => new RateLimitStep(rl.name, rl.config, runtime.store(rl.config), runtime.onStoreFailure)));
    const size = get("request-size-limit");
    if (size) access.push(stepFor(size.name, () => new SizeLimitStep(size.config)));
    const term = get("request-termination");
    if (term) access.push(stepFor(term.name, () => new TerminationStep(term.config)));
    const reqT = get("request-transformer");
    const resT = get("response-transformer");

    const memo = new Map<number, Pipeline>();
    const pipeline: Pipeline = {
      route,
      service,
      access,
      afterAuth,
      hasAuth: auth.length > 0,
      groupsHeader: acl !== undefined && !acl.config.hide_groups_header,
      requestTransform: reqT ? transformFor(reqT) : null,
      responseTransform: resT ? transformFor(resT) : null,
      forConsumer(index: number): Pipeline {
        if (consumerOverrides) return pipeline;
        const consumer = directory.consumers[index];
        const own = consumer ? byConsumer.get(consumer.username) : undefined;
        if (own === undefined) return pipeline;
        let p = memo.get(index);
        if (p === undefined) {
          const merged = new Map(chosen);
          for (const o of own) merged.set(o.type, o);
          p = build(route, service, merged, true);
          memo.set(index, p);
        }
        return p;
      },
    };
    return pipeline;
  };

  const byRule = new Map<CompiledRule, Pipeline>();
  const routes = new Set<string>();
  for (const route of table.routes) {
    for (const rule of route.rules) {
      const services = new Set(rule.destinations.map((d) => d.service));
      const chosen = new Map<PolicyType, Policy>();
      for (const p of policies) {
        const s = p.scope;
        const applies = s.kind === "global" || (s.kind === "service" && services.has(s.name)) || (s.kind === "route" && s.name === route.name);
        if (!applies) continue;
        const have = chosen.get(p.type);
        if (have === undefined || SCOPE_RANK[p.scope.kind] > SCOPE_RANK[have.scope.kind]) chosen.set(p.type, p);
      }
      if (chosen.size === 0) continue;
      byRule.set(rule, build(route.name, rule.destinations[0]?.service ?? "", chosen, false));
      routes.add(route.name);
    }
  }
  return { byRule, routes, directory };
}
