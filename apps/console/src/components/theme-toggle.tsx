"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button.tsx";
import { MoonIcon, SunIcon } from "@/components/icons.tsx";

export function ThemeToggle() {
  const [dark, setDark] = useState<boolean | null>(null);

  useEffect(() => {
    setDark(document.documentElement.classList.contains("dark"));
    // Follow the OS while the user hasn't picked a theme explicitly.
    const media = matchMedia("(prefers-color-scheme: dark)");
    const onChange = (e: MediaQueryListEvent) => {
      if (localStorage.getItem("sy-theme")) return;
      document.documentElement.classList.toggle("dark", e.matches);
      setDark(e.matches);
    };
    media.addEventListener("change", onChange);
    return () => media.removeEventListener("change", onChange);
  }, []);

  const toggle = () => {
    const next = !document.documentElement.classList.contains("dark");
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("sy-theme", next ? "dark" : "light");
    setDark(next);
  };

  const label = dark ? "Switch to light theme" : "Switch to dark theme";
  return (
    <Button variant="ghost" size="icon" onClick={toggle} aria-label={label} title={label} data-testid="theme-toggle">
      {dark ? <SunIcon /> : <MoonIcon />}
    </Button>
  );
}
