import type { Metadata } from "next";
import { RoutesList } from "@/components/routes-list.tsx";

export const metadata: Metadata = { title: "Routes" };

export default function RoutesPage() {
  return <RoutesList />;
}
