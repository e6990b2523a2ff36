import type { Metadata } from "next";
import { Catalog } from "@/components/portal/catalog.tsx";

export const metadata: Metadata = { title: "APIs" };

export default function CatalogPage() {
  return <Catalog />;
}
