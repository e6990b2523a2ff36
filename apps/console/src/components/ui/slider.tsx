import type { ComponentProps, CSSProperties } from "react";
import { cn } from "@/lib/cn.ts";

type SliderProps = Omit<ComponentProps<"input">, "type" | "value" | "onChange"> & {
  value: number;
  min?: number;
  max?: number;
  onValueChange: (value: number) => void;
};

/** A native range input (keyboard arrows, Page Up/Down, Home/End work) with a two-tone track. */
export function Slider({ value, min = 0, max = 100, onValueChange, className, style, ...props }: SliderProps) {
  const fill = max > min ? ((value - min) / (max - min)) * 100 : 0;
  return (
    <input
      type="range"
      min={min}
      max={max}
      value={value}
      onChange={(e) => onValueChange(Number(e.currentTarget.value))}
      className={cn("sy-range w-full", className)}
      style={{ ...style, "--sy-fill": `${fill}%` } as CSSProperties}
      {...props}
    />
  );
}
