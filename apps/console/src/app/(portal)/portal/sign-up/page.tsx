import type { Metadata } from "next";
import { SignUpForm } from "@/components/portal/auth-forms.tsx";

export const metadata: Metadata = { title: "Sign up" };

export default function SignUpPage() {
  return <SignUpForm />;
}
