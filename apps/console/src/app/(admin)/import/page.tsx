import type { Metadata } from "next";
import { ImportConfig } from "@/components/import/import-config.tsx";

export const metadata: Metadata = { title: "Import" };

export default function ImportPage() {
  return <ImportConfig />;
}
