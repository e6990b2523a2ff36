import type { Metadata } from "next";
import { StatementPage } from "@/components/portal/statement-page.tsx";

export const metadata: Metadata = { title: "Statement" };

export default async function StatementRoute({ params, searchParams }: { params: Promise<{ appId: string }>; searchParams: Promise<{ month?: string }> }) {
  const { appId } = await params;
  const { month } = await searchParams;
  const valid = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : new Date().toISOString().slice(0, 7);
  return <StatementPage appId={appId} month={valid} />;
}
