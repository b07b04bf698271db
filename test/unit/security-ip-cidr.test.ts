import { describe, expect, it } from "vitest";
import { addressInCidrs, normalizeAddress, parseCidr, parseCidrList } from "@/lib/security/ip-cidr";

describe("addresses", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    [" 10.0.0.1 ", "10.0.0.1"],
    ["10.0.0.1:443", "10.0.0.1"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::FFFF:10.0.0.1", "10.0.0.1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["[2001:db8::1]:8443", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::1", "::1"],
  ])("reads %j as %j", (raw, canonical) => {
    expect(normalizeAddress(raw)).toBe(canonical);
  });

  it.each(["", "unknown", "10.0.0", "0x7f.1", "127.1", "10.0.0.256", "1.2.3.4.5", "::g", "10.0.0.1/8", "a".repeat(200), "10.0.0.1, 10.0.0.2"])(
    "refuses %j",
    (raw) => {
      expect(normalizeAddress(raw)).toBeNull();
    },
  );
});

describe("CIDR blocks", () => {
  it("normalises the network address and a single address", () => {
    expect(parseCidr("10.1.2.3/8")?.text).toBe("10.0.0.0/8");
    expect(parseCidr("203.0.113.7")?.text).toBe("203.0.113.7/32");
    expect(parseCidr("2001:db8:abcd::1/32")?.text).toBe("2001:db8::/32");
    expect(parseCidr("::ffff:10.0.0.0/104")?.text).toBe("10.0.0.0/8");
    for (const bad of ["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "/8", "10.0.0.0/8/8", "nonsense", "10.0.0.0/-1"]) expect(parseCidr(bad), bad).toBeNull();
  });

  it("matches IPv4, IPv6 and IPv4-mapped IPv6 peers", () => {
    const list = parseCidrList("10.0.0.0/8, 2001:db8::/32 192.0.2.10");
    expect(addressInCidrs("10.200.3.4", list)).toBe(true);
    expect(addressInCidrs("::ffff:10.0.0.1", list)).toBe(true);
    expect(addressInCidrs("2001:db8:1::5", list)).toBe(true);
    expect(addressInCidrs("192.0.2.10", list)).toBe(true);
    expect(addressInCidrs("192.0.2.11", list)).toBe(false);
    expect(addressInCidrs("11.0.0.1", list)).toBe(false);
    expect(addressInCidrs("2001:db9::1", list)).toBe(false);
    expect(addressInCidrs("::ffff:11.0.0.1", list)).toBe(false);
    // An IPv4 block never matches an IPv6 address that merely looks similar, and garbage matches nothing.
    expect(addressInCidrs("::a00:1", list)).toBe(false);
    expect(addressInCidrs("not-an-ip", list)).toBe(false);
    expect(addressInCidrs(null, list)).toBe(false);
  });

  it("lets an IPv4-mapped range match plain IPv4 peers", () => {
    const list = parseCidrList(["::ffff:192.168.0.0/112"]);
    expect(addressInCidrs("192.168.44.1", list)).toBe(true);
    expect(addressInCidrs("192.169.0.1", list)).toBe(false);
  });

  it("names the bad entry of a list", () => {
    expect(() => parseCidrList("10.0.0.0/8,banana", "TRUSTED_PROXY_CIDRS")).toThrow('TRUSTED_PROXY_CIDRS: "banana"');
  });
});
