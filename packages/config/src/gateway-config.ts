import { z } from "zod";
import { RouteSchema } from "./route.ts";
import { ServiceSchema } from "./service.ts";
import { SettingsSchema } from "./settings.ts";
import { ConsumerSchema } from "./consumer.ts";
import { checkPolicyReferences } from "./policies/check-policy-references.ts";
import { PolicySchema } from "./policies/policy.ts";
import { CertificateSchema, checkCertificateHosts } from "./certificate.ts";
import { redactedSecretIssues } from "./secret-fields.ts";

/**
 * The config as the API returns it to a user: for a viewer its secrets read as REDACTED_SECRET
 * (secret-fields.ts), which this accepts. Only for reading such a copy (an export); anything
 * stored, published or run is parsed with GatewayConfigSchema.
 */
export const RedactableGatewayConfigSchema = z
  .strictObject({
    services: z.array(ServiceSchema).default([]),
    routes: z.array(RouteSchema).default([]),
    /** Optional (not defaulted) so configs without them keep their hash. */
    policies: z.array(PolicySchema).optional(),
    consumers: z.array(ConsumerSchema).optional(),
    settings: SettingsSchema.optional(),
    /** Server certificates of the HTTPS listener, chosen by SNI; the first is the default. */
    certificates: z.array(CertificateSchema).optional(),
  })
  .superRefine((config, ctx) => {
    const services = new Map<string, Set<string>>();
    config.services.forEach((service, i) => {
      if (services.has(service.name)) {
        ctx.addIssue({ code: "custom", path: ["services", i, "name"], message: `Duplicate service name "${service.name}"` });
      }
      const subsets = new Set<string>();
      service.subsets.forEach((subset, j) => {
        if (subsets.has(subset.name)) {
          ctx.addIssue({ code: "custom", path: ["services", i, "subsets", j, "name"], message: `Duplicate subset "${subset.name}"` });
        }
        subsets.add(subset.name);
      });
      services.set(service.name, subsets);
    });

    const routeNames = new Set<string>();
    config.routes.forEach((route, i) => {
      if (routeNames.has(route.name)) {
        ctx.addIssue({ code: "custom", path: ["routes", i, "name"], message: `Duplicate route name "${route.name}"` });
      }
      routeNames.add(route.name);
      route.rules.forEach((rule, j) => {
        if (rule.mirror) {
          const subsets = services.get(rule.mirror.service);
          const path = ["routes", i, "rules", j, "mirror"];
          if (!subsets) ctx.addIssue({ code: "custom", path: [...path, "service"], message: `Unknown service "${rule.mirror.service}"` });
          else if (rule.mirror.subset !== undefined && !subsets.has(rule.mirror.subset)) {
            ctx.addIssue({ code: "custom", path: [...path, "subset"], message: `Service "${rule.mirror.service}" has no subset "${rule.mirror.subset}"` });
          }
        }
        rule.destinations.forEach((dest, k) => {
          const subsets = services.get(dest.service);
          const path = ["routes", i, "rules", j, "destinations", k];
          if (!subsets) {
            ctx.addIssue({ code: "custom", path: [...path, "service"], message: `Unknown service "${dest.service}"` });
          } else if (dest.subset !== undefined && !subsets.has(dest.subset)) {
            ctx.addIssue({ code: "custom", path: [...path, "subset"], message: `Service "${dest.service}" has no subset "${dest.subset}"` });
          }
        });
      });
    });

    if (config.certificates !== undefined) checkCertificateHosts(config.certificates, ctx);

    if (config.policies !== undefined || config.consumers !== undefined) {
      checkPolicyReferences({
        services: new Set(services.keys()),
        routes: routeNames,
        policies: config.policies ?? [],
        consumers: config.consumers ?? [],
      }, ctx);
    }
  });

/**
 * The whole declarative config: what `switchyard apply -f` takes, what the control plane stores
 * in each version's snapshot and what every data plane compiles. Cross-references are checked
 * here so a config that parses is one the gateway can run; a secret that was redacted for a
 * viewer is refused with a field error on it, never stored in place of the real one.
 */
export const GatewayConfigSchema = RedactableGatewayConfigSchema.superRefine((config, ctx) => {
  for (const issue of redactedSecretIssues(config)) ctx.addIssue({ code: "custom", path: issue.segments, message: issue.message });
});

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;

export const emptyConfig = (): GatewayConfig => ({ services: [], routes: [] });
