/**
 * The two messages of the gRPC Health Checking Protocol (grpc.health.v1), encoded by hand: they
 * have one field each, and a protobuf library for that would be most of the code.
 *   message HealthCheckRequest { string service = 1; }
 *   message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }
 */

export const GRPC_HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";
export const SERVING = 1;

/** A HealthCheckRequest in a gRPC message frame: flag 0 (not compressed), 4-byte length, message. */
export function grpcHealthRequest(service: string): Buffer {
  const name = Buffer.from(service, "utf8");
  const message = name.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

/** The ServingStatus of a HealthCheckResponse frame (UNKNOWN when the field is absent); -1 when the bytes are not one. */
export function grpcHealthStatus(body: Buffer): number {
  if (body.length < 5 || body[0] !== 0) return -1; // short, or compressed (never asked for)
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) return -1;
  const message = body.subarray(5, 5 + length);
  let status = 0;
  for (let i = 0; i < message.length;) {
    const key = readVarint(message, i);
    if (key === null) return -1;
    i = key.next;
    const field = key.value >>> 3, wire = key.value & 7;
    if (wire === 0) {
      const v = readVarint(message, i);
      if (v === null) return -1;
      i = v.next;
      if (field === 1) status = v.value;
    } else if (wire === 2) {
      const len = readVarint(message, i);
      if (len === null || len.next + len.value > message.length) return -1;
      i = len.next + len.value;
    } else {
      return -1; // fixed-width fields: not in this message
    }
  }
  return status;
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function readVarint(buf: Buffer, at: number): { value: number; next: number } | null {
  let value = 0, shift = 0;
  for (let i = at; i < buf.length && shift < 35; i++, shift += 7) {
    value |= (buf[i]! & 0x7f) << shift;
    if ((buf[i]! & 0x80) === 0) return { value: value >>> 0, next: i + 1 };
  }
  return null;
}
