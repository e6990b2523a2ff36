import type { Db } from "@switchyard/db";

export interface ProductReference { id: string; slug: string; name: string; routes: string[] }

/** The API products (published or not) whose route list names this route. */
export async function productsUsingRoute(db: Db, route: string): Promise<ProductReference[]> {
  const products = await db.prisma.apiProduct.findMany({ where: { routes: { has: route } }, select: { id: true, slug: true, name: true, routes: true }, orderBy: { slug: "asc" } });
  return products.map((p) => ({ ...p, routes: [...p.routes] }));
}

/** A product's route list with one route renamed (order kept, no duplicate if it already lists the new name). */
export function renameRouteIn(routes: readonly string[], from: string, to: string): string[] {
  const out: string[] = [];
  for (const r of routes) {
    const name = r === from ? to : r;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
