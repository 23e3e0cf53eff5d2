//! Address classification shared by the guards on outgoing connections: the Git URL guard
//! (`services::git`, SSRF) and the check on an endpoint's engine address (`services::docker`,
//! local targets).
use std::net::IpAddr;

/// Loopback, link-local, unspecified, broadcast or multicast (IPv4, IPv6 and v4-mapped).
pub fn local_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return local_ip(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Addresses a Git remote may not have (without `allow_local_git_urls`): [`local_ip`], plus
/// unique-local IPv6 `fc00::/7` (AWS's IPv6 metadata service `fd00:ec2::254`), shared address
/// space `100.64.0.0/10` (Alibaba's metadata `100.100.100.200`) and IETF protocol assignments
/// `192.0.0.0/24` (issue 11, section 4; review M4).
pub fn blocked_git_ip(ip: IpAddr) -> bool {
    if local_ip(ip) {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (o[0] == 100 && (o[1] & 0xc0) == 64) || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => blocked_git_ip(IpAddr::V4(v4)),
            None => (v6.segments()[0] & 0xfe00) == 0xfc00,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_blocked_addresses() {
        for a in [
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            let ip: IpAddr = a.parse().unwrap();
            assert!(local_ip(ip) && blocked_git_ip(ip), "{a}");
        }
        for a in ["100.100.100.200", "192.0.0.1", "fd00:ec2::254"] {
            let ip: IpAddr = a.parse().unwrap();
            assert!(!local_ip(ip) && blocked_git_ip(ip), "{a}");
        }
        for a in ["10.1.2.3", "192.168.1.1", "8.8.8.8", "2001:db8::1"] {
            let ip: IpAddr = a.parse().unwrap();
            assert!(!local_ip(ip) && !blocked_git_ip(ip), "{a}");
        }
    }
}
