"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@switchyard/api";
import { EmptyState } from "@/components/empty-state.tsx";
import { ListSearch, ListStates } from "@/components/list-card-parts.tsx";
import { AlertIcon, PlusIcon } from "@/components/icons.tsx";
import { PageHeader } from "@/components/page-header.tsx";
import { Badge, type BadgeVariant } from "@/components/ui/badge.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table.tsx";
import { certificateExpiry, type ExpiryState } from "@/lib/certificate-expiry.ts";
import { cn } from "@/lib/cn.ts";
import { useNow } from "@/lib/use-now.ts";
import { useTRPC } from "@/trpc/react.tsx";
import { CertificateIcon } from "./certificate-icon.tsx";
import { CertificateEditor, newCertificateDraft } from "./certificate-editor.tsx";

type CertificateView = inferRouterOutputs<AppRouter>["certificates"]["list"][number];

const EXPIRY_BADGE: Record<ExpiryState, BadgeVariant> = { valid: "success", expiring: "warning", expired: "destructive", "not-yet-valid": "warning", unknown: "secondary" };

export function ExpiryBadge({ cert, now }: { cert: CertificateView; now: number }) {
  const expiry = certificateExpiry(cert.notBefore, cert.notAfter, now);
  return (
    <Badge variant={EXPIRY_BADGE[expiry.state]} title={cert.notAfter ?? undefined} data-testid={`certificate-expiry-${cert.name}`} data-state={expiry.state}>
      {expiry.state !== "valid" && expiry.state !== "unknown" && <AlertIcon width={12} height={12} />}
      {expiry.label}
    </Badge>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="break-all text-sm">{children}</dd>
    </div>
  );
}

/** What the certificate says about itself, parsed by the control plane. */
function CertificateDetails({ cert, now }: { cert: CertificateView; now: number }) {
  const date = (iso: string | null) => (iso ? new Date(iso).toUTCString() : "—");
  return (
    <Card data-testid={`certificate-details-${cert.name}`}>
      <CardHeader className="flex-row items-center justify-between gap-3">
        <CardTitle className="text-base">Certificate</CardTitle>
        <ExpiryBadge cert={cert} now={now} />
      </CardHeader>
      <CardContent>
        {cert.parseError ? (
          <p className="text-sm text-destructive">The stored certificate does not parse: {cert.parseError}</p>
        ) : (
          <dl className="grid gap-3 sm:grid-cols-2">
            <Detail label="Subject">{cert.subject}</Detail>
            <Detail label="Issuer">{cert.selfSigned ? <>{cert.issuer} <Badge variant="secondary">self-signed</Badge></> : cert.issuer}</Detail>
            <Detail label="Valid from">{date(cert.notBefore)}</Detail>
            <Detail label="Valid until">{date(cert.notAfter)}</Detail>
            <Detail label="Subject alternative names">{cert.subjectAltNames.length > 0 ? cert.subjectAltNames.join(", ") : "—"}</Detail>
            <Detail label="Chain">{cert.chainLength === 1 ? "Leaf only" : `Leaf + ${cert.chainLength - 1} intermediate${cert.chainLength === 2 ? "" : "s"}`}</Detail>
            <div className="sm:col-span-2"><Detail label="SHA-256 fingerprint"><span className="font-mono text-xs">{cert.fingerprint256}</span></Detail></div>
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

/** Server certificates of the HTTPS listener: list with search and expiry, the selected one in the editor. */
export function CertificatesPage() {
  const trpc = useTRPC();
  const now = useNow(60_000);
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const canEdit = me.data?.role !== "viewer";
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<{ name: string | null; nonce: number } | null>(null);
  const list = useQuery(trpc.certificates.list.queryOptions(search ? { search } : undefined, { placeholderData: (prev) => prev }));
  const selected = editing?.name ? list.data?.find((c) => c.name === editing.name) : undefined;

  return (
    <>
      <PageHeader
        title="Certificates"
        description="TLS certificates the gateway serves on its HTTPS listener, chosen by the host name clients ask for (SNI)."
        actions={canEdit && <Button onClick={() => setEditing({ name: null, nonce: Date.now() })} data-testid="certificate-new"><PlusIcon /> Add certificate</Button>}
      />
      <div className="grid grid-cols-1 items-start gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <CardContent className="flex flex-col gap-3 px-0 pt-4 sm:px-0 sm:pt-5">
            <div className="mx-4 sm:mx-6">
              <ListSearch value={search} onChange={setSearch} placeholder="Search by name, host or subject" label="Search certificates" testId="certificate-search" />
            </div>
            <ListStates query={list} empty={
                <EmptyState icon={<CertificateIcon />} title={search ? "No certificate matches" : "No certificates yet"}>
                  {search ? "Try another search." : "Add one to serve HTTPS: paste or upload a PEM certificate and its private key."}
                </EmptyState>
            }>
              {(rows) => (
                <Table aria-label="Certificates">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>Certificate and hosts</TableHead>
                      <TableHead className="text-right">Expiry</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {rows.map((c) => (
                      <TableRow key={c.name} className={cn("cursor-pointer", editing?.name === c.name && "bg-accent")} onClick={() => setEditing({ name: c.name, nonce: Date.now() })} data-testid={`certificate-row-${c.name}`}>
                        <TableCell className="whitespace-normal font-medium">
                          <button type="button" className="text-left hover:underline">{c.name}</button>
                          {c.subject && <div className="break-all text-xs font-normal text-muted-foreground">{c.subject}</div>}
                          <div className="mt-1.5 flex flex-wrap gap-1">
                            {c.hosts.length === 0 ? <span className="text-xs font-normal text-muted-foreground">No hosts: the default certificate only</span> : c.hosts.map((h) => <Badge key={h} variant="secondary" className="max-w-full truncate font-mono">{h}</Badge>)}
                          </div>
                        </TableCell>
                        <TableCell className="text-right align-top"><ExpiryBadge cert={c} now={now} /></TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </ListStates>
          </CardContent>
        </Card>
        <div className="flex flex-col gap-5">
          {editing === null ? (
            <Card><EmptyState title="Select a certificate">Pick one from the list{canEdit ? ", or add a new one" : ""}.</EmptyState></Card>
          ) : editing.name === null ? (
            <CertificateEditor key={editing.nonce} initial={newCertificateDraft()} originalName={null} canEdit={canEdit} onDone={() => setEditing(null)} />
          ) : selected ? (
            <>
              <CertificateDetails cert={selected} now={now} />
              <CertificateEditor key={`${editing.name}-${editing.nonce}`} initial={{ name: selected.name, hosts: selected.hosts, cert: selected.cert, key: "" }} originalName={selected.name} canEdit={canEdit} onDone={() => setEditing(null)} />
            </>
          ) : null}
        </div>
      </div>
    </>
  );
}
