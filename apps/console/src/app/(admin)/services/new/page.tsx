import type { Metadata } from "next";
import { ServiceEditor } from "@/components/service-editor/service-editor.tsx";

export const metadata: Metadata = { title: "New service" };

export default function NewServicePage() {
  return <ServiceEditor name={null} />;
}
