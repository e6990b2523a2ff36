import { hashApiKey, hashPassword } from "../policies/credential-hashing.ts";
import { PolicySchema, type PolicyInput } from "../policies/policy.ts";
import type { ConsumerInput } from "../consumer.ts";
import type { TracingInput } from "../tracing.ts";
import { importKongOpentelemetry } from "./kong-opentelemetry.ts";
import { asArray, asString, isObject, toName, type Doc } from "./import-types.ts";

export interface KongPluginScope { service?: string; route?: string; consumer?: string }

/** Kong plugin name → our policy type (the exporter reads it the other way). */
export const POLICY_TYPE: Record<string, PolicyInput["type"]> = {
  "rate-limiting": "rate-limit",
  "key-auth": "key-auth",
  jwt: "jwt",
  "basic-auth": "basic-auth",
  acl: "acl",
  cors: "cors",
  "ip-restriction": "ip-restriction",
  "request-size-limiting": "request-size-limit",
  "request-transformer": "request-transformer",
  "response-transformer": "response-transformer",
  "request-termination": "request-termination",
  "proxy-cache": "proxy-cache",
};

/** Kong's flat redis_* fields (3.x before the `redis` object) → our `redis` block. */
const REDIS_FIELDS: Record<string, string> = { redis_host: "host", redis_port: "port", redis_password: "password", redis_database: "database", redis_timeout: "timeout" };

/**
 * Kong plugins and consumers → our policies and consumers. Plaintext keys and passwords in the
 * source are hashed on the way in (the config keeps only hashes). Fields Kong has and we don't
 * are listed as warnings.
 */
export function importKongPlugins(plugins: { plugin: Doc; scope: KongPluginScope }[], consumers: Doc[], warnings: string[]): { policies?: PolicyInput[]; consumers?: ConsumerInput[]; settings?: { tracing: TracingInput } } {
  let tracing: TracingInput | undefined;
  // Tracing is gateway-wide in our model: one opentelemetry plugin is imported, a global one first.
  const otels = plugins.filter((p) => p.plugin.name === "opentelemetry");
  const otel = otels.find((p) => !isScoped(p.scope)) ?? otels[0];
  const policies: PolicyInput[] = [];
  const used = new Set<string>();
  // Consumers first: their own plugins join the list as consumer-scoped policies.
  const importedConsumers = consumers.map((c): ConsumerInput => {
    const username = toName(asString(c.username) ?? asString(c.custom_id) ?? "consumer");
    const groups = asArray(c.acls).filter(isObject).map((a) => asString(a.group)).filter((g): g is string => !!g);
    for (const p of asArray(c.plugins).filter(isObject)) plugins.push({ plugin: p, scope: { consumer: username } });
    return {
      username,
      ...(asString(c.custom_id) ? { custom_id: asString(c.custom_id) } : {}),
      groups,
      credentials: {
        key_auth: asArray(c.keyauth_credentials).filter(isObject).map((k) => ({ key_hash: hashApiKey(String(k.key)) })),
        basic_auth: asArray(c.basicauth_credentials).filter(isObject).map((b) => ({ username: String(b.username), password_hash: hashPassword(String(b.password)) })),
        jwt: asArray(c.jwt_secrets).filter(isObject).map((j) => {
          const algorithm = asString(j.algorithm) ?? "HS256";
          return {
            key: String(j.key),
            algorithms: [algorithm],
            ...(algorithm.startsWith("HS") ? { secret: String(j.secret) } : { public_key: String(j.rsa_public_key) }),
          };
        }),
      },
    } as ConsumerInput;
  });
  for (const { plugin, scope } of plugins) {
    const kongName = asString(plugin.name) ?? "?";
    const where = `plugin ${kongName} (${scope.route ? `route ${scope.route}` : scope.service ? `service ${scope.service}` : scope.consumer ? `consumer ${scope.consumer}` : "global"})`;
    if (kongName === "opentelemetry") {
      if (plugin !== otel?.plugin) warnings.push(`${where}: only one opentelemetry plugin is imported; this one was not`);
      else tracing = importKongOpentelemetry(plugin, where, isScoped(scope), warnings);
      continue;
    }
    const type = POLICY_TYPE[kongName];
    if (!type) { warnings.push(`${where}: plugin is not supported; not imported`); continue; }
    const config: Doc = {};
    const redis: Doc = {};
    for (const [key, value] of Object.entries(isObject(plugin.config) ? plugin.config : {})) {
      if (value === null) continue; // deck dumps write every unset field as null: Kong's default
      if (type === "rate-limit" && key in REDIS_FIELDS) redis[REDIS_FIELDS[key]!] = value;
      else config[key] = value;
    }
    if (Object.keys(redis).length) config.redis = redis;
    const candidate = {
      type,
      name: uniqueName(toName(asString(plugin.instance_name) ?? `${kongName}-${scope.route ?? scope.service ?? scope.consumer ?? "global"}`), used),
      enabled: plugin.enabled !== false,
      scope: scope.route ? { kind: "route", name: scope.route } : scope.service ? { kind: "service", name: scope.service } : scope.consumer ? { kind: "consumer", name: scope.consumer } : { kind: "global" },
      config,
    };
    const member = PolicySchema.options.find((o) => o.shape.type.value === type)!;
    const known = Object.keys((member.shape.config as unknown as { unwrap(): { shape: object } }).unwrap?.().shape ?? {});
    for (const key of Object.keys(config)) {
      if (known.length && !known.includes(key)) {
        warnings.push(`${where}: "${key}" is not supported and was not imported`);
        delete config[key];
      }
    }
    policies.push(candidate as PolicyInput);
  }

  return {
    ...(policies.length ? { policies } : {}),
    ...(importedConsumers.length ? { consumers: importedConsumers } : {}),
    ...(tracing !== undefined ? { settings: { tracing } } : {}),
  };
}

function isScoped(scope: KongPluginScope): boolean {
  return scope.route !== undefined || scope.service !== undefined || scope.consumer !== undefined;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = toName(`${name.slice(0, 58)}-${i}`);
  used.add(candidate);
  return candidate;
}
