import type { HelloMessage } from "@switchyard/config";
import type { Db } from "@switchyard/db";

/** State changes the data-plane hub records as nodes talk to it. */

export async function recordDataPlaneHello(options: { db: Db; hello: HelloMessage; controlPlaneId: string }): Promise<void> {
  const { hello } = options;
  const now = new Date();
  const fields = {
    hostname: hello.hostname,
    labels: hello.labels,
    softwareVersion: hello.softwareVersion,
    appliedVersion: hello.appliedVersion,
    appliedHash: hello.appliedHash,
    connected: true,
    controlPlaneId: options.controlPlaneId,
    lastSeenAt: now,
  };
  await options.db.prisma.dataPlane.upsert({
    where: { id: hello.nodeId },
    create: { id: hello.nodeId, ...fields, firstSeenAt: now },
    update: fields,
  });
}

export async function recordDataPlaneAck(options: { db: Db; nodeId: string; version: number; hash: string }): Promise<void> {
  await options.db.prisma.dataPlane.updateMany({
    where: { id: options.nodeId },
    data: { appliedVersion: options.version, appliedHash: options.hash, lastError: null, lastSeenAt: new Date() },
  });
}

export async function recordDataPlaneNack(options: { db: Db; nodeId: string; version: number; error: string }): Promise<void> {
  await options.db.prisma.dataPlane.updateMany({
    where: { id: options.nodeId },
    data: { lastError: `version ${options.version}: ${options.error}`, lastSeenAt: new Date() },
  });
}

export async function touchDataPlane(options: { db: Db; nodeId: string }): Promise<void> {
  await options.db.prisma.dataPlane.updateMany({ where: { id: options.nodeId }, data: { lastSeenAt: new Date() } });
}

export async function markDataPlaneDisconnected(options: { db: Db; nodeId: string; controlPlaneId: string }): Promise<void> {
  // Only if this control plane still holds it: the node may already be connected elsewhere.
  await options.db.prisma.dataPlane.updateMany({
    where: { id: options.nodeId, controlPlaneId: options.controlPlaneId },
    data: { connected: false, lastSeenAt: new Date() },
  });
}

/**
 * At start: rows left "connected" by a control plane that died without closing them. Live
 * connections refresh lastSeenAt on every ping, so anything older than `staleMs` is gone.
 */
export async function markStaleDataPlanesDisconnected(options: { db: Db; staleMs: number }): Promise<number> {
  const result = await options.db.prisma.dataPlane.updateMany({
    where: { connected: true, lastSeenAt: { lt: new Date(Date.now() - options.staleMs) } },
    data: { connected: false },
  });
  return result.count;
}
