import type { Metadata } from "next";
import { ProductEditor } from "@/components/portal-admin/product-editor.tsx";

export const metadata: Metadata = { title: "API product" };

export default async function ProductEditorPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <ProductEditor slug={slug === "new" ? null : slug} />;
}
