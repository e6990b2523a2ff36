import type { Metadata } from "next";
import { RouteEditor } from "@/components/route-editor/route-editor.tsx";

export const metadata: Metadata = { title: "New route" };

export default function NewRoutePage() {
  return <RouteEditor name={null} />;
}
