"use client";

import { useEffect, useState, type ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button.tsx";
import { ChartIcon } from "@/components/charts/chart-icon.tsx";
import { AuditIcon, CloseIcon, HistoryIcon, ImportIcon, LogOutIcon, LogoIcon, MenuIcon, RoutesIcon, ServerIcon, ServicesIcon, SpinnerIcon, UsersIcon } from "@/components/icons.tsx";
import { LiveIndicator } from "@/components/live-indicator.tsx";
import { PortalIcon } from "@/components/portal/portal-icon.tsx";
import { ConsumerIcon } from "@/components/consumers/consumer-icon.tsx";
import { CertificateIcon, SettingsIcon } from "@/components/certificates/certificate-icon.tsx";
import { PolicyIcon } from "@/components/policies/policy-icon.tsx";
import { SimulatorIcon } from "@/components/simulator/simulator-icon.tsx";
import { ThemeToggle } from "@/components/theme-toggle.tsx";
import { cn } from "@/lib/cn.ts";
import { errorCode } from "@/lib/trpc-error.ts";
import { useTRPC } from "@/trpc/react.tsx";

const NAV = [
  { href: "/dashboard", label: "Dashboard", icon: ChartIcon, adminOnly: false },
  { href: "/routes", label: "Routes", icon: RoutesIcon, adminOnly: false },
  { href: "/services", label: "Services", icon: ServicesIcon, adminOnly: false },
  { href: "/consumers", label: "Consumers", icon: ConsumerIcon, adminOnly: false },
  { href: "/policies", label: "Policies", icon: PolicyIcon, adminOnly: false },
  { href: "/certificates", label: "Certificates", icon: CertificateIcon, adminOnly: false },
  { href: "/simulator", label: "Simulator", icon: SimulatorIcon, adminOnly: false },
  { href: "/data-planes", label: "Data planes", icon: ServerIcon, adminOnly: false },
  { href: "/history", label: "History", icon: HistoryIcon, adminOnly: false },
  { href: "/import", label: "Import", icon: ImportIcon, adminOnly: false },
  { href: "/settings", label: "Settings", icon: SettingsIcon, adminOnly: false },
  { href: "/users", label: "Users", icon: UsersIcon, adminOnly: true },
  { href: "/audit", label: "Audit log", icon: AuditIcon, adminOnly: true },
  { href: "/portal-admin", label: "Developer portal", icon: PortalIcon, adminOnly: false },
] as const;

function NavLinks({ onNavigate, isAdmin }: { onNavigate?: () => void; isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Sections" className="flex flex-col gap-1">
      {NAV.filter((item) => isAdmin || !item.adminOnly).map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            data-testid={`nav-${href.slice(1)}`}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
              active ? "bg-primary/10 text-primary" : "text-muted-foreground hover:bg-accent hover:text-foreground",
            )}
          >
            <Icon />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}

function Brand() {
  return (
    <Link href="/routes" className="flex items-center gap-2.5 rounded-md font-semibold tracking-tight">
      <span className="flex size-8 items-center justify-center rounded-lg bg-primary text-primary-foreground">
        <LogoIcon />
      </span>
      Switchyard
    </Link>
  );
}

function UserBox({ username, role }: { username: string; role: string }) {
  const trpc = useTRPC();
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => window.location.assign("/login") }));
  return (
    <div className="flex items-center gap-2 border-t pt-3">
      <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-secondary text-xs font-semibold uppercase">
        {username.slice(0, 2)}
      </span>
      <div className="min-w-0 flex-1 leading-tight">
        <div className="truncate text-sm font-medium" data-testid="current-user">{username}</div>
        <div className="text-xs text-muted-foreground capitalize">{role}</div>
      </div>
      <Button variant="ghost" size="icon" aria-label="Sign out" title="Sign out" onClick={() => logout.mutate()} data-testid="logout">
        <LogOutIcon />
      </Button>
    </div>
  );
}

/**
 * Frame of every admin page: checks the session (auth.me) and sends signed-out users to /login,
 * renders the sidebar (a drawer on phones) and keeps live updates subscribed.
 */
export function AdminShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = usePathname();

  useEffect(() => setMenuOpen(false), [pathname]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setMenuOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  if (me.isPending || errorCode(me.error) === "UNAUTHORIZED") {
    return (
      <div className="flex min-h-dvh items-center justify-center text-muted-foreground" aria-live="polite">
        <SpinnerIcon className="mr-2" /> Loading…
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="flex min-h-dvh flex-col items-center justify-center gap-3 p-6 text-center" role="alert">
        <p className="font-medium">Can&apos;t reach the control plane.</p>
        <p className="max-w-md text-sm text-muted-foreground">{me.error.message}</p>
        <Button variant="outline" onClick={() => void me.refetch()}>
          Retry
        </Button>
      </div>
    );
  }

  const sidebar = (
    <>
      <div className="flex items-center justify-between">
        <Brand />
      </div>
      <NavLinks onNavigate={() => setMenuOpen(false)} isAdmin={me.data.role === "admin"} />
      <div className="mt-auto flex flex-col gap-3">
        <div className="flex items-center justify-between px-1">
          <LiveIndicator />
          <ThemeToggle />
        </div>
        <UserBox username={me.data.username} role={me.data.role} />
      </div>
    </>
  );

  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_1fr]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-md focus:bg-card focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="hidden border-r bg-sidebar md:block">
        <aside className="sticky top-0 flex h-dvh flex-col gap-6 p-4">{sidebar}</aside>
      </div>

      <header className="sticky top-0 z-30 flex items-center justify-between border-b bg-background/90 px-4 py-2.5 backdrop-blur md:hidden">
        <Brand />
        <Button variant="ghost" size="icon" aria-label="Open menu" aria-expanded={menuOpen} onClick={() => setMenuOpen(true)}>
          <MenuIcon />
        </Button>
      </header>
      {menuOpen && (
        <div className="fixed inset-0 z-40 md:hidden" role="dialog" aria-modal="true" aria-label="Menu">
          <button type="button" aria-hidden="true" tabIndex={-1} className="absolute inset-0 bg-black/50" onClick={() => setMenuOpen(false)} />
          <div className="absolute inset-y-0 left-0 flex w-72 max-w-[85vw] flex-col gap-6 border-r bg-sidebar p-4 shadow-xl">
            <Button variant="ghost" size="icon" aria-label="Close menu" className="absolute right-3 top-3" onClick={() => setMenuOpen(false)} autoFocus>
              <CloseIcon />
            </Button>
            {sidebar}
          </div>
        </div>
      )}

      <main id="main" className="min-w-0 px-4 py-6 sm:px-6 lg:px-10 lg:py-8">
        <div className="mx-auto w-full max-w-6xl">{children}</div>
      </main>
    </div>
  );
}
