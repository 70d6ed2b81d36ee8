// IPv4 addresses for emulated instances: primary internal addresses (unique per subnet) and
// one-to-one NAT addresses (unique across the emulator). The emulator has no VPC model, so it
// hands out addresses from fixed ranges that cannot collide with anything real:
//   internal: 10.128.0.3 .. 10.128.255.254 in every subnet (.1 and .2 are the gateway and DNS in
//             Yandex subnets);
//   NAT:      198.51.100.0/24 then 203.0.113.0/24 (RFC 5737 documentation ranges), then
//             198.18.0.0/15 (RFC 2544 benchmarking range), because a 10k-VM benchmark needs more
//             than the 508 documentation addresses.
// Allocation is deterministic: in the first range that has room, the address after the highest
// one in use, or, once the range's top is taken, the lowest free one. Rows live in
// instance_addresses (PRIMARY KEY pool, scope, ip), which is also what enforces uniqueness.
import type { ModelContext } from "./context.js";

export type AddressPool = "internal" | "nat";

interface Range {
  first: number;
  last: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIpv4 = (s: string): boolean => IPV4.test(s);

export function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

const range = (first: string, last: string): Range => ({ first: ipToInt(first), last: ipToInt(last) });

export const POOL_RANGES: Record<AddressPool, Range[]> = {
  internal: [range("10.128.0.3", "10.128.255.254")],
  nat: [range("198.51.100.1", "198.51.100.254"), range("203.0.113.1", "203.0.113.254"), range("198.18.0.1", "198.19.255.254")],
};

export class AddressAllocator {
  constructor(private readonly ctx: ModelContext) {}

  /** Whether `ip` is taken in the pool/scope (scope: the subnet id for internal addresses, "" for NAT). */
  isTaken(pool: AddressPool, scope: string, ip: string): boolean {
    return this.ctx.sql("SELECT 1 FROM instance_addresses WHERE pool = ? AND scope = ? AND ip = ?").get(pool, scope, ipToInt(ip)) !== undefined;
  }

  /** The next free address, or undefined when every range is full. Does not reserve it: call reserve() in the same transaction. */
  next(pool: AddressPool, scope: string): string | undefined {
    for (const r of POOL_RANGES[pool]) {
      // MAX is one index seek; only a range whose top is taken needs the (linear) search for a hole.
      const top = this.ctx
        .sql("SELECT MAX(ip) FROM instance_addresses WHERE pool = ? AND scope = ? AND ip BETWEEN ? AND ?", { pluck: true })
        .get(pool, scope, r.first, r.last) as number | null;
      if (top === null) return intToIp(r.first);
      if (top < r.last) return intToIp(top + 1);
      const used = this.ctx
        .sql("SELECT COUNT(*) FROM instance_addresses WHERE pool = ? AND scope = ? AND ip BETWEEN ? AND ?", { pluck: true })
        .get(pool, scope, r.first, r.last) as number;
      if (used >= r.last - r.first + 1) continue;
      if (!this.ctx.sql("SELECT 1 FROM instance_addresses WHERE pool = ? AND scope = ? AND ip = ?").get(pool, scope, r.first)) {
        return intToIp(r.first);
      }
      const gap = this.ctx
        .sql(
          `SELECT a.ip + 1 FROM instance_addresses a
           WHERE a.pool = @pool AND a.scope = @scope AND a.ip >= @first AND a.ip < @last
             AND NOT EXISTS (SELECT 1 FROM instance_addresses b WHERE b.pool = @pool AND b.scope = @scope AND b.ip = a.ip + 1)
           ORDER BY a.ip LIMIT 1`,
          { pluck: true },
        )
        .get({ pool, scope, first: r.first, last: r.last }) as number;
      return intToIp(gap);
    }
    return undefined;
  }

  reserve(pool: AddressPool, scope: string, ip: string, instanceId: string): void {
    this.ctx.sql("INSERT INTO instance_addresses (pool, scope, ip, instance_id) VALUES (?, ?, ?, ?)").run(pool, scope, ipToInt(ip), instanceId);
  }
}
