//! Which IP addresses a preview fetch may connect to.
//!
//! A link preview makes the server open a connection chosen by a room
//! member, so without this check anyone could make it probe loopback
//! services, the private network or cloud metadata endpoints (SSRF). Every
//! address the fetcher could connect to, whether written literally in a URL
//! or returned by DNS, goes through [`is_permitted`] first.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// IPv4 ranges that are not ordinary public unicast hosts, as
/// `(network, prefix length)`. Kept as a table of constants (rather than
/// parsed strings) so that the classifier cannot fail or panic.
const V4_SPECIAL: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),  // "this network", incl. unspecified
    (Ipv4Addr::new(10, 0, 0, 0), 8), // private (RFC 1918)
    (Ipv4Addr::new(100, 64, 0, 0), 10), // shared address space (CGNAT)
    (Ipv4Addr::new(127, 0, 0, 0), 8), // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16), // link-local, cloud metadata
    (Ipv4Addr::new(172, 16, 0, 0), 12), // private (RFC 1918)
    (Ipv4Addr::new(192, 0, 0, 0), 24), // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24), // documentation TEST-NET-1
    (Ipv4Addr::new(192, 88, 99, 0), 24), // deprecated 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16), // private (RFC 1918)
    (Ipv4Addr::new(198, 18, 0, 0), 15), // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation TEST-NET-2
    (Ipv4Addr::new(203, 0, 113, 0), 24), // documentation TEST-NET-3
    (Ipv4Addr::new(224, 0, 0, 0), 4), // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4), // reserved, incl. broadcast
];

/// IPv6 ranges that are not ordinary public unicast hosts, as
/// `(network, prefix length)`; see [`V4_SPECIAL`] for why a table.
const V6_SPECIAL: &[(Ipv6Addr, u32)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 96), // unspecified, loopback, IPv4-compatible
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard-only
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48), // benchmarking
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation (RFC 9637)
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7), // unique local
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // deprecated site-local
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast
];

/// Whether the fetcher may connect to `ip`: either it is an ordinary public
/// address, or the operator explicitly allowed its range (tests and
/// intranet deployments need that). IPv4-mapped IPv6 addresses are judged as
/// the IPv4 address they stand for, since that is where they connect.
pub(crate) fn is_permitted(ip: IpAddr, allow: &[IpNet]) -> bool {
    let canonical = canonical(ip);
    let allowed = allow
        .iter()
        .any(|net| net.contains(&ip) || net.contains(&canonical));
    allowed || !is_special(canonical)
}

/// Whether `ip` lies in a range that must never be reached by default:
/// loopback, private, link-local, multicast, unspecified, broadcast, shared,
/// documentation, benchmarking and reserved ranges, including IPv6 forms
/// that embed such an IPv4 address (mapped, NAT64 and 6to4).
pub(crate) fn is_special(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_special_v4(v4),
        IpAddr::V6(v6) => is_special_v6(v6),
    }
}

/// Turns an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) into the IPv4
/// address it really designates, so that one set of rules judges both.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// Looks `v4` up in [`V4_SPECIAL`].
fn is_special_v4(v4: Ipv4Addr) -> bool {
    let bits = u32::from(v4);
    V4_SPECIAL.iter().any(|&(net, len)| {
        let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
        bits & mask == u32::from(net) & mask
    })
}

/// Looks `v6` up in [`V6_SPECIAL`], and judges the IPv4 address embedded in
/// NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`) addresses, because a
/// translator or relay would forward the connection to that IPv4 address.
fn is_special_v6(v6: Ipv6Addr) -> bool {
    let bits = u128::from(v6);
    let listed = V6_SPECIAL.iter().any(|&(net, len)| {
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        bits & mask == u128::from(net) & mask
    });
    let segments = v6.segments();
    let embedded = if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        Some(Ipv4Addr::from((bits & 0xffff_ffff) as u32))
    } else if segments[0] == 0x2002 {
        Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32))
    } else {
        None
    };
    listed || embedded.is_some_and(is_special_v4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a test literal; panicking is fine in tests.
    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    /// Every refused IPv4 range, at its edges where useful.
    #[test]
    fn refuses_every_special_ipv4_range() {
        for text in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.8.9.10",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(is_special(ip(text)), "{text} should be refused");
            assert!(!is_permitted(ip(text), &[]), "{text} should be refused");
        }
    }

    /// Every refused IPv6 range, including forms embedding a refused IPv4 address.
    #[test]
    fn refuses_every_special_ipv6_range() {
        for text in [
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::10.0.0.1",
            "64:ff9b:1::1",
            "100::1",
            "2001:2::1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "2002:a00:1::",
            "3fff::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(is_special(ip(text)), "{text} should be refused");
            assert!(!is_permitted(ip(text), &[]), "{text} should be refused");
        }
    }

    /// Public addresses, including neighbours of refused ranges, stay reachable.
    #[test]
    fn accepts_public_addresses() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.3.1",
            "223.255.255.255",
            "2606:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
        ] {
            assert!(!is_special(ip(text)), "{text} should be accepted");
            assert!(is_permitted(ip(text), &[]), "{text} should be accepted");
        }
    }

    /// The allow list opens exactly its ranges (and their IPv4-mapped forms).
    #[test]
    fn allow_list_opens_only_its_ranges() {
        let allow: Vec<IpNet> = vec!["127.0.0.0/8".parse().expect("net")];
        assert!(is_permitted(ip("127.0.0.1"), &allow));
        assert!(is_permitted(ip("::ffff:127.0.0.1"), &allow));
        assert!(!is_permitted(ip("::1"), &allow));
        assert!(!is_permitted(ip("10.0.0.1"), &allow));
        assert!(!is_permitted(ip("169.254.169.254"), &allow));
    }
}
