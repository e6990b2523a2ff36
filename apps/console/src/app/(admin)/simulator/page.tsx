import type { Metadata } from "next";
import { SimulatorPage } from "@/components/simulator/simulator-page.tsx";

export const metadata: Metadata = { title: "Route simulator" };

export default function Page() {
  return <SimulatorPage />;
}
