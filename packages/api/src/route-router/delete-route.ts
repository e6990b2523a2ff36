import { AppError } from "../app-error.ts";
import { publishConfig, publisherOf, type PublishResult, type Publisher } from "../config-router/publish-config.ts";
import { productsUsingRoute } from "../portal-router/gateway-sync/product-route-references.ts";

/**
 * Removes a route. A route an API product lists is refused (409, naming the products), like a
 * foreign-key restriction: the product's plans, prices and API reference describe it, so the
 * admin takes it out of the products first (or renames the route, which products follow).
 */
export function deleteRoute(options: Publisher & { name: string; message?: string | undefined }): Promise<PublishResult> {
  return publishConfig({
    ...publisherOf(options),
    message: options.message ?? `Delete route ${options.name}`,
    action: "routes.delete",
    target: `route:${options.name}`,
    // Checked inside the publish lock, with the products as they are when the route goes.
    load: () => productsUsingRoute(options.db, options.name),
    build(current, products) {
      if (!current.routes.some((r) => r.name === options.name)) throw new AppError("NOT_FOUND", `No route "${options.name}"`);
      if (products.length > 0) {
        const names = products.map((p) => `"${p.name}" (${p.slug})`).join(", ");
        throw new AppError("CONFLICT", `Route "${options.name}" is used by the API product${products.length > 1 ? "s" : ""} ${names}: remove it from ${products.length > 1 ? "them" : "it"} in the portal first`);
      }
      return { ...current, routes: current.routes.filter((r) => r.name !== options.name) };
    },
  });
}
