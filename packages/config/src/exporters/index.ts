export { exportKong, type KongExport } from "./kong-exporter.ts";
