import type { ComponentProps } from "react";
import { cn } from "@/lib/cn.ts";

const VARIANTS = {
  default: "border-transparent bg-primary/10 text-primary",
  secondary: "border-transparent bg-secondary text-secondary-foreground",
  outline: "text-foreground",
  success: "border-transparent bg-success/15 text-success",
  warning: "border-transparent bg-warning/20 text-[color-mix(in_oklch,var(--warning)_60%,var(--foreground))]",
  destructive: "border-transparent bg-destructive/12 text-destructive",
} as const;

export type BadgeVariant = keyof typeof VARIANTS;

export function Badge({ className, variant = "default", ...props }: ComponentProps<"span"> & { variant?: BadgeVariant }) {
  return (
    <span
      className={cn(
        "inline-flex w-fit shrink-0 items-center gap-1 whitespace-nowrap rounded-md border px-2 py-0.5 text-xs font-medium",
        VARIANTS[variant],
        className,
      )}
      {...props}
    />
  );
}
