import type { NextConfig } from "next";

const config: NextConfig = {
  // The config package ships TypeScript sources (exports point at ./src/*.ts).
  transpilePackages: ["@switchyard/config"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
