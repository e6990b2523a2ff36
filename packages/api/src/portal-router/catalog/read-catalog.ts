import type { Db } from "@switchyard/db";
import { AppError } from "../../app-error.ts";
import { toPlanView } from "../admin/plan-view.ts";
import type { Guide } from "../admin/product-input.ts";
import { validateOpenApi } from "../openapi/validate-openapi.ts";

/** Published products, optionally filtered by a search over name, slug and description. */
export async function listCatalog(o: { db: Db; search?: string | undefined }) {
  const q = o.search?.trim();
  const products = await o.db.prisma.apiProduct.findMany({
    where: {
      published: true,
      ...(q
        ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { slug: { contains: q, mode: "insensitive" } }, { description: { contains: q, mode: "insensitive" } }] }
        : {}),
    },
    orderBy: { name: "asc" },
    include: { plans: { orderBy: { createdAt: "asc" } } },
  });
  return products.map((p) => ({
    slug: p.slug,
    name: p.name,
    description: p.description,
    requiresApproval: p.requiresApproval,
    hasReference: p.openapi !== null,
    plans: p.plans.map(toPlanView),
  }));
}

/** One product page: plans with prices, guides, and the OpenAPI document parsed for the reference. */
export async function getCatalogProduct(o: { db: Db; slug: string; includeUnpublished?: boolean }) {
  const p = await o.db.prisma.apiProduct.findUnique({ where: { slug: o.slug }, include: { plans: { orderBy: { createdAt: "asc" } } } });
  if (!p || (!p.published && !o.includeUnpublished)) throw new AppError("NOT_FOUND", "No such API product");
  const reference = p.openapi ? await validateOpenApi(p.openapi) : null;
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    description: p.description,
    requiresApproval: p.requiresApproval,
    published: p.published,
    routes: p.routes,
    guides: p.guides as Guide[],
    plans: p.plans.map(toPlanView),
    openapi: p.openapi,
    reference: reference?.ok ? reference.document : null,
  };
}
