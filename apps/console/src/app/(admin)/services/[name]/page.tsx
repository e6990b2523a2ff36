import type { Metadata } from "next";
import { ServiceEditor } from "@/components/service-editor/service-editor.tsx";

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Service ${decodeName((await params).name)}` };
}

export default async function EditServicePage({ params }: { params: Promise<{ name: string }> }) {
  return <ServiceEditor name={decodeName((await params).name)} />;
}
