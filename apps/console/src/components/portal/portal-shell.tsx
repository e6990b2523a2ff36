"use client";

import type { ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LogoIcon } from "@/components/icons.tsx";
import { ThemeToggle } from "@/components/theme-toggle.tsx";
import { Button, buttonClasses } from "@/components/ui/button.tsx";
import { cn } from "@/lib/cn.ts";
import { useTRPC } from "@/trpc/react.tsx";

const NAV = [
  { href: "/portal", label: "APIs", exact: true },
  { href: "/portal/apps", label: "My apps", exact: false },
  { href: "/portal/usage", label: "Usage", exact: false },
];

/** Frame of the public developer portal: a top bar for outside developers, no admin chrome. */
export function PortalShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pathname = usePathname();
  const me = useQuery(trpc.portal.auth.me.queryOptions(undefined, { staleTime: 30_000 }));
  const signOut = useMutation(
    trpc.portal.auth.signOut.mutationOptions({
      onSettled: async () => {
        await queryClient.invalidateQueries(trpc.portal.pathFilter());
        window.location.assign("/portal");
      },
    }),
  );
  return (
    <div className="flex min-h-dvh flex-col bg-background">
      <header className="sticky top-0 z-30 border-b bg-background/90 backdrop-blur">
        <div className="mx-auto flex w-full max-w-6xl items-center gap-6 px-4 py-3 sm:px-6">
          <Link href="/portal" className="flex items-center gap-2 font-semibold tracking-tight">
            <span className="flex size-8 items-center justify-center rounded-lg bg-primary text-primary-foreground"><LogoIcon /></span>
            <span>Switchyard <span className="font-normal text-muted-foreground">Developers</span></span>
          </Link>
          <nav aria-label="Portal" className="hidden items-center gap-1 sm:flex">
            {NAV.map((item) => {
              const active = item.exact ? pathname === item.href || pathname.startsWith("/portal/products") : pathname.startsWith(item.href);
              return (
                <Link key={item.href} href={item.href} aria-current={active ? "page" : undefined}
                  className={cn("rounded-md px-3 py-1.5 text-sm font-medium", active ? "bg-primary/10 text-primary" : "text-muted-foreground hover:text-foreground")}>
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <ThemeToggle />
            {me.data ? (
              <>
                <span className="hidden text-sm text-muted-foreground md:inline" data-testid="portal-user">{me.data.email}</span>
                <Button variant="outline" size="sm" onClick={() => signOut.mutate()} data-testid="portal-sign-out">Sign out</Button>
              </>
            ) : me.isPending ? null : (
              <>
                <Link href="/portal/sign-in" className={buttonClasses("ghost", "sm")}>Sign in</Link>
                <Link href="/portal/sign-up" className={buttonClasses("default", "sm")}>Sign up</Link>
              </>
            )}
          </div>
        </div>
        <nav aria-label="Portal (small screens)" className="flex gap-1 px-4 pb-2 sm:hidden">
          {NAV.map((item) => (
            <Link key={item.href} href={item.href} className="rounded-md px-3 py-1 text-sm text-muted-foreground hover:text-foreground">{item.label}</Link>
          ))}
        </nav>
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">{children}</main>
      <footer className="border-t py-6 text-center text-xs text-muted-foreground">Powered by Switchyard</footer>
    </div>
  );
}

/** Shown in place of a page that needs a developer session. */
export function SignInPrompt({ what }: { what: string }) {
  return (
    <div className="mx-auto max-w-md rounded-xl border bg-card p-8 text-center">
      <h1 className="text-lg font-semibold">Sign in to see {what}</h1>
      <p className="mt-2 text-sm text-muted-foreground">Create a free developer account to get API keys.</p>
      <div className="mt-5 flex justify-center gap-2">
        <Link href="/portal/sign-in" className={buttonClasses("default")}>Sign in</Link>
        <Link href="/portal/sign-up" className={buttonClasses("outline")}>Sign up</Link>
      </div>
    </div>
  );
}
