import type { Metadata } from "next";
import { MetricsDashboard } from "@/components/charts/metrics-dashboard.tsx";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return <MetricsDashboard />;
}
