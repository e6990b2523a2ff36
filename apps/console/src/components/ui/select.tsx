import type { ComponentProps } from "react";
import { cn } from "@/lib/cn.ts";
import { fieldClasses } from "./input.tsx";

/** A styled native select: full keyboard and screen-reader support for free, works on phones. */
export function Select({ className, ...props }: ComponentProps<"select">) {
  return (
    <select
      className={cn(
        fieldClasses,
        "appearance-none bg-[length:16px] bg-[right_0.5rem_center] bg-no-repeat pr-8",
        "bg-[url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='%23888' stroke-width='2'%3E%3Cpath d='m6 9 6 6 6-6'/%3E%3C/svg%3E\")]",
        className,
      )}
      {...props}
    />
  );
}
