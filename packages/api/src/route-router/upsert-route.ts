import { RouteSchema, type Rollout } from "@switchyard/config";
import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { parseInput, pathWithin } from "../parse-input.ts";
import { buildPortalConfig, type PortalState } from "../portal-router/gateway-sync/build-portal-config.ts";
import { loadPortalState } from "../portal-router/gateway-sync/load-portal-state.ts";
import { productsUsingRoute, renameRouteIn, type ProductReference } from "../portal-router/gateway-sync/product-route-references.ts";

export interface UpsertRouteOptions extends Publisher {
  route: unknown;
  /** The route's name before this edit, when renaming. */
  originalName?: string | undefined;
  message?: string | undefined;
  rollout?: Rollout | null | undefined;
}

/** What a rename needs of the portal: the products listing the old name, and the portal state. */
interface Portal { products: ProductReference[]; state: PortalState }

/**
 * Creates or replaces one route and publishes the resulting config. Field errors are relative to
 * the route (`rules.0.destinations.1.weight`), as the console's route form shows them.
 *
 * A rename carries along what refers to the route by name: policies attached to it, and the
 * developer portal: the API products that list the route get the new
 * name in the same transaction as the new version, and the portal's policies (key-auth, acl per
 * product route) are regenerated for the new name in that same version, so the route is never
 * published without them.
 */
export async function upsertRoute(options: UpsertRouteOptions): Promise<PublishResult> {
  const route = parseInput(RouteSchema, options.route);
  const lookup = options.originalName ?? route.name;
  const renamedFrom = options.originalName !== undefined && options.originalName !== route.name ? options.originalName : null;
  let index = -1;
  return publishConfig<Portal | null>({
    ...publisherOf(options),
    message: options.message ?? (options.originalName && options.originalName !== route.name ? `Rename route ${options.originalName} to ${route.name}` : `Update route ${route.name}`),
    action: "routes.upsert",
    target: `route:${route.name}`,
    rollout: options.rollout,
    load: async () => {
      if (renamedFrom === null) return null;
      const products = await productsUsingRoute(options.db, renamedFrom);
      return products.length === 0 ? null : { products, state: await loadPortalState(options.db) };
    },
    build(current, portal) {
      const routes = [...current.routes];
      index = routes.findIndex((r) => r.name === lookup);
      if (index === -1 && options.originalName !== undefined && options.originalName !== route.name) {
        throw new AppError("NOT_FOUND", `No route "${options.originalName}" to rename`);
      }
      if (index === -1) index = routes.push(route) - 1;
      else routes[index] = route;
      const next = { ...current, routes };
      // Policies attached to the route follow it (Kong's plugins point at the route, not its name).
      if (renamedFrom !== null && current.policies) {
        next.policies = current.policies.map((p) => (p.scope.kind === "route" && p.scope.name === renamedFrom ? { ...p, scope: { kind: "route" as const, name: route.name } } : p));
      }
      if (!portal || renamedFrom === null) return next;
      const state: PortalState = { ...portal.state, products: portal.state.products.map((p) => ({ ...p, routes: renameRouteIn(p.routes, renamedFrom, route.name) })) };
      return buildPortalConfig(next, state);
    },
    writes: (portal) =>
      !portal || renamedFrom === null
        ? []
        : portal.products.map((p) => options.db.prisma.apiProduct.update({ where: { id: p.id }, data: { routes: renameRouteIn(p.routes, renamedFrom, route.name) } })),
    mapErrorPath: (path) => pathWithin("routes", index, path),
  });
}
