import { z } from "zod";
import { publicProcedure, router } from "../../trpc.ts";
import { getCatalogProduct, listCatalog } from "./read-catalog.ts";

/** The public catalog: visitors browse it without signing in. */
export const catalogRouter = router({
  list: publicProcedure.input(z.object({ search: z.string().max(200).optional() }).default({})).query(({ ctx, input }) => listCatalog({ db: ctx.db, search: input.search })),
  get: publicProcedure.input(z.object({ slug: z.string().min(1).max(63) })).query(({ ctx, input }) => getCatalogProduct({ db: ctx.db, slug: input.slug })),
});
