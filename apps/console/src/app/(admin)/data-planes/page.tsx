import type { Metadata } from "next";
import { DataPlanesTable } from "@/components/data-planes-table.tsx";

export const metadata: Metadata = { title: "Data planes" };

export default function DataPlanesPage() {
  return <DataPlanesTable />;
}
