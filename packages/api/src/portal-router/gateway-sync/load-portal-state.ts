import type { Db } from "@switchyard/db";
import type { PortalState } from "./build-portal-config.ts";

/** What the gateway needs to know of the portal: published products' routes, active subscriptions and live keys. */
export async function loadPortalState(db: Db): Promise<PortalState> {
  const [products, subscriptions] = await Promise.all([
    db.prisma.apiProduct.findMany({ where: { published: true }, select: { slug: true, routes: true }, orderBy: { slug: "asc" } }),
    db.prisma.subscription.findMany({
      where: { status: "active", product: { published: true } },
      select: {
        id: true,
        product: { select: { slug: true } },
        plan: { select: { perSecond: true, perMinute: true, perHour: true, perDay: true, monthlyQuota: true } },
        keys: { where: { revokedAt: null }, select: { id: true, keyHash: true } },
      },
    }),
  ]);
  return {
    products: products.map((p) => ({ slug: p.slug, routes: [...p.routes] })),
    subscriptions: subscriptions.map((s) => ({ id: s.id, productSlug: s.product.slug, limits: s.plan, keys: s.keys })),
  };
}
