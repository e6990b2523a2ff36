import type { Metadata } from "next";
import { ProductPage } from "@/components/portal/product-page.tsx";
import { gatewayUrl } from "@/env.ts";

export const metadata: Metadata = { title: "API" };

export default async function ProductRoute({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ProductPage slug={slug} gateway={gatewayUrl()} />;
}
