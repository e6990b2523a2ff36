import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@switchyard/api";

type Out = inferRouterOutputs<AppRouter>["portal"];
export type CatalogProduct = Out["catalog"]["list"][number];
export type ProductPage = Out["catalog"]["get"];
export type PlanView = CatalogProduct["plans"][number];
export type PriceModel = PlanView["price"];
export type PortalApp = Out["apps"]["list"][number];
