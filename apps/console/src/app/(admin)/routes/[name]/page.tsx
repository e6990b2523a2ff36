import type { Metadata } from "next";
import { RouteEditor } from "@/components/route-editor/route-editor.tsx";

/** Route names are URL-safe, but a hand-typed address may still carry escapes. */
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Route ${decodeName(name)}` };
}

export default async function EditRoutePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return <RouteEditor name={decodeName(name)} />;
}
