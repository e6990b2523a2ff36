import type { GatewayConfig, Policy, PolicyOf, PolicyType } from "@switchyard/config";
import { AUTH_RUN_ORDER, ConfigCompileError, POLICY_PHASE, POLICY_RUN_ORDER, selectPolicies, type CompiledConfig, type CompiledRule, type PolicyTarget } from "@switchyard/routing";
import { AuthStep, type AuthPolicy } from "./auth/auth-step.ts";
import { buildConsumerDirectory, DirectoryError, type ConsumerDirectory } from "./auth/consumer-directory.ts";
import { ProxyCacheStep } from "./cache/proxy-cache-step.ts";
import { ResponseCache } from "./cache/response-cache.ts";
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

const ACCESS_RUN_ORDER = POLICY_RUN_ORDER.filter((t) => POLICY_PHASE[t] === "access");
const LAST_AUTH_TYPE = AUTH_RUN_ORDER[AUTH_RUN_ORDER.length - 1]!;

/** The policy of each type chosen for a place (selectPolicies, without the override list). */
function chosenAt(policies: readonly Policy[], target: PolicyTarget): Map<PolicyType, Policy> {
  const out = new Map<PolicyType, Policy>();
  for (const [type, selected] of selectPolicies(policies, target)) out.set(type, selected.policy);
  return out;
}

/**
 * Resolves which policies apply to each route rule (packages/routing selectPolicies: the most
 * specific attachment of each type wins; a consumer's own policies once it is authenticated),
 * builds their steps in POLICY_RUN_ORDER, keys and prepared JWT keys. null when the config has
 * no enabled policy, so the proxy's path stays exactly as without policies.
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

  const withConsumerPolicies = new Set<string>();
  for (const p of policies) if (p.scope.kind === "consumer") withConsumerPolicies.add(p.scope.name);

  const steps = new Map<string, AccessStep>();
  const transforms = new Map<string, HeaderTransform>();
  // One cache per proxy-cache policy, new with each config version (a changed route never serves old answers).
  const caches = new Map<string, ResponseCache>();
  const cacheFor = (p: PolicyOf<"proxy-cache">): ResponseCache => {
    let c = caches.get(p.name);
    if (c === undefined) { c = new ResponseCache(p.config.memory.max_entries, p.config.memory.max_bytes); caches.set(p.name, c); }
    return c;
  };
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

  const build = (target: PolicyTarget, chosen: Map<PolicyType, Policy>, rule: CompiledRule, ruleTag: string): Pipeline => {
    const access: AccessStep[] = [];
    const get = <T extends PolicyType>(t: T) => chosen.get(t) as PolicyOf<T> | undefined;
    const auth = AUTH_RUN_ORDER.map((t) => chosen.get(t)).filter((p): p is AuthPolicy => p !== undefined);
    let afterAuth = 0;
    for (const type of ACCESS_RUN_ORDER) {
      const p = chosen.get(type);
      if (p !== undefined) {
        switch (p.type) {
          case "ip-restriction": access.push(stepFor(p.name, () => new IpRestrictionStep(p.config))); break;
          case "cors": access.push(stepFor(p.name, () => new CorsStep(p.config))); break;
          case "key-auth": case "jwt": case "basic-auth":
            // One step tries every auth policy of the rule, placed where the first of them runs.
            if (p === auth[0]) access.push(stepFor(auth.map((a) => a.name).join("+"), () => new AuthStep(auth, directory)));
            break;
          case "acl": access.push(stepFor(p.name, () => new AclStep(p.config, p.name))); break;
          case "rate-limit": access.push(stepFor(p.name, () => new RateLimitStep(p.name, p.config, runtime.store(p.config), runtime.onStoreFailure))); break;
          case "request-size-limit": access.push(stepFor(p.name, () => new SizeLimitStep(p.config))); break;
          case "request-termination": access.push(stepFor(p.name, () => new TerminationStep(p.config))); break;
          case "proxy-cache":
            // Redirects and direct responses are answered without an upstream: nothing to cache.
            if (rule.redirect === null && rule.directResponse === null) {
              access.push(stepFor(`${p.name}\u0000${ruleTag}`, () => new ProxyCacheStep(p.config, cacheFor(p), ruleTag, rule.responseHeaders)));
            }
            break;
          default: break;
        }
      }
      if (type === LAST_AUTH_TYPE) afterAuth = access.length;
    }
    const acl = get("acl");
    const reqT = get("request-transformer");
    const resT = get("response-transformer");

    const memo = new Map<number, Pipeline>();
    const pipeline: Pipeline = {
      route: target.route,
      service: target.services[0] ?? "",
      access,
      afterAuth,
      hasAuth: auth.length > 0,
      groupsHeader: acl !== undefined && !acl.config.hide_groups_header,
      requestTransform: reqT ? transformFor(reqT) : null,
      responseTransform: resT ? transformFor(resT) : null,
      forConsumer(index: number): Pipeline {
        if (target.consumer !== null) return pipeline;
        const consumer = directory.consumers[index];
        if (consumer === undefined || !withConsumerPolicies.has(consumer.username)) return pipeline;
        let p = memo.get(index);
        if (p === undefined) {
          const at = { ...target, consumer: consumer.username };
          p = build(at, chosenAt(policies, at), rule, ruleTag);
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
    for (let r = 0; r < route.rules.length; r++) {
      const rule = route.rules[r]!;
      // The first destination's service names the pipeline (metrics, logs).
      const target: PolicyTarget = { route: route.name, services: [...new Set(rule.destinations.map((d) => d.service))], consumer: null };
      const chosen = chosenAt(policies, target);
      if (chosen.size === 0) continue;
      byRule.set(rule, build(target, chosen, rule, `${route.name}#${r}`));
      routes.add(route.name);
    }
  }
  return { byRule, routes, directory };
}
