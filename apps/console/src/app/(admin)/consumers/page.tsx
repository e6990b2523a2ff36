import type { Metadata } from "next";
import { ConsumersPage } from "@/components/consumers/consumers-page.tsx";

export const metadata: Metadata = { title: "Consumers" };

export default function Page() {
  return <ConsumersPage />;
}
