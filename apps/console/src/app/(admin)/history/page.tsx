import type { Metadata } from "next";
import { VersionHistory } from "@/components/history/version-history.tsx";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return <VersionHistory />;
}
