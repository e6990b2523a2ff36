import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { onCpu } from "./pin.ts";

export const hasNginx = spawnSync("nginx", ["-v"]).error === undefined;

/** Starts a private nginx (own prefix dir, foreground) with the given `http {}` body; on `cpu` when given (pin.ts). */
export function startNginx(dir: string, workers: number, httpBody: string, cpu: number | null = null): ChildProcess {
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  writeFileSync(conf, `daemon off;
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 100000;
${httpBody}
}
`);
  const [command, args] = onCpu(cpu, "nginx", ["-p", dir, "-c", conf]);
  return spawn(command, args, { stdio: "ignore" });
}

/** A fixed 200 response: the upstream every contender proxies to. */
export const upstreamBody = (port: number) => `
  server {
    listen 127.0.0.1:${port} reuseport;
    location / { default_type application/json; return 200 '{"service":"bench","version":"v1"}'; }
  }`;

/** nginx as a reverse proxy with upstream keep-alive: the peer users pick. */
export const proxyBody = (port: number, upstreamPort: number) => `
  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} reuseport;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }`;
