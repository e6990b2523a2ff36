import type { Metadata } from "next";
import { Suspense } from "react";
import { LogoIcon } from "@/components/icons.tsx";
import { LoginForm } from "@/components/login-form.tsx";
import { ThemeToggle } from "@/components/theme-toggle.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <main className="relative flex min-h-dvh items-center justify-center bg-gradient-to-b from-background to-muted/60 p-4">
      <div className="absolute right-4 top-4">
        <ThemeToggle />
      </div>
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-3 text-center">
          <span className="flex size-11 items-center justify-center rounded-xl bg-primary text-primary-foreground shadow-md">
            <LogoIcon width={22} height={22} />
          </span>
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Sign in to Switchyard</h1>
            <p className="mt-1 text-sm text-muted-foreground">Manage routes, services and data planes.</p>
          </div>
        </div>
        <Suspense>
          <LoginForm />
        </Suspense>
      </div>
    </main>
  );
}
