// Address and CIDR handling for allowlists and trusted proxies. Everything is
// normalised first: an IPv4-mapped IPv6 address (::ffff:10.0.0.1, what a
// dual-stack socket reports for an IPv4 client) is treated as the IPv4
// address it carries, so 10.0.0.0/8 matches it and ::ffff:0:0/96 ranges match
// plain IPv4 peers.
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  address: Address;
  bits: number;
  /** The canonical text, e.g. "10.0.0.0/8" or "2001:db8::/32". */
  text: string;
}

function unmap(address: Address, bits?: number): { address: Address; bits: number } {
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    const full = bits ?? 128;
    if (full >= 96) return { address: (address as ipaddr.IPv6).toIPv4Address(), bits: full - 96 };
  }
  return { address, bits: bits ?? (address.kind() === "ipv4" ? 32 : 128) };
}

/**
 * Parses one address as found in a socket or a forwarding header: IPv4,
 * IPv6, bracketed IPv6 with or without a port, IPv4 with a port, a zone id.
 * Returns the canonical text, or null when it is not an address.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  const parsed = parseAddress(raw);
  return parsed ? parsed.toString() : null;
}

export function parseAddress(raw: string | null | undefined): Address | null {
  if (!raw) return null;
  let text = raw.trim();
  if (text.length === 0 || text.length > 100) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // ipaddr.js also accepts forms like "0x7f.1" or "127.1"; only the usual dotted quad is an address here.
  if (text.includes(".") && !text.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  if (!ipaddr.isValid(text)) return null;
  try {
    return unmap(ipaddr.parse(text)).address;
  } catch {
    return null;
  }
}

/** "10.0.0.0/8", "2001:db8::/32", or a single address (a /32 or /128). */
export function parseCidr(raw: string): Cidr | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > 100) return null;
  try {
    if (!text.includes("/")) {
      const address = parseAddress(text);
      if (!address) return null;
      const bits = address.kind() === "ipv4" ? 32 : 128;
      return { address, bits, text: `${address.toString()}/${bits}` };
    }
    const [prefix, length] = text.split("/");
    if (!prefix || !length || !/^\d{1,3}$/.test(length)) return null;
    if (prefix.includes(".") && !prefix.includes(":") && !ipaddr.IPv4.isValidFourPartDecimal(prefix)) return null;
    const [address, bits] = ipaddr.parseCIDR(text);
    const normal = unmap(address, bits);
    const network = ipaddr.parse(
      normal.address.kind() === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(`${normal.address.toString()}/${normal.bits}`).toString()
        : ipaddr.IPv6.networkAddressFromCIDR(`${normal.address.toString()}/${normal.bits}`).toString(),
    );
    return { address: network, bits: normal.bits, text: `${network.toString()}/${normal.bits}` };
  } catch {
    return null;
  }
}

/** Parses a list (comma or whitespace separated); throws naming the first bad entry. */
export function parseCidrList(raw: string | readonly string[] | null | undefined, what = "CIDR list"): Cidr[] {
  const entries = (typeof raw === "string" ? raw.split(/[\s,]+/) : [...(raw ?? [])]).map((e) => e.trim()).filter(Boolean);
  return entries.map((entry) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new Error(`${what}: "${entry}" is not an IPv4/IPv6 address or CIDR block`);
    return cidr;
  });
}

export function addressInCidrs(address: string | Address | null, cidrs: readonly Cidr[]): boolean {
  const parsed = typeof address === "string" ? parseAddress(address) : address;
  if (!parsed) return false;
  return cidrs.some((cidr) => cidr.address.kind() === parsed.kind() && parsed.match(cidr.address, cidr.bits));
}
