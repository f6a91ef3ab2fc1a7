//! The client sequence number (ClientSeqNo): the client's own 18-char id of a
//! declaration, stable across every submission of it.
//!
//! `PD` + 16 Crockford base32 chars of 80 bits of a UUID v7: its 48 bits of
//! milliseconds, then bytes 10-13 (32 bits). Unique across installations
//! without a counter to coordinate, and sortable by creation time.
//!
//! Why bytes 10-13 and not simply the 80 leading bits: the `uuid` crate puts
//! a per-millisecond counter in bits 52-95 and increments its *low* end, so
//! two ids made in the same millisecond share their 80 leading bits. Bytes
//! 10-11 are the low 16 bits of that counter (distinct within a process),
//! bytes 12-13 are random (distinct across installations).

use uuid::Uuid;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Length of a client sequence number.
pub const CLIENT_SEQ_NO_LEN: usize = 18;

/// Derives the client sequence number from the draft's UUID v7.
pub fn client_seq_no_for(id: Uuid) -> String {
    let bytes = id.as_bytes();
    let mut bits: u128 = 0;
    for b in bytes[..6].iter().chain(&bytes[10..14]) {
        bits = (bits << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(CLIENT_SEQ_NO_LEN);
    out.push_str("PD");
    for i in (0..16).rev() {
        let idx = ((bits >> (i * 5)) & 0x1f) as usize;
        out.push(CROCKFORD[idx] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_18_chars_and_stable() {
        let id = Uuid::now_v7();
        let a = client_seq_no_for(id);
        assert_eq!(a.len(), CLIENT_SEQ_NO_LEN);
        assert!(a.starts_with("PD"));
        assert_eq!(a, client_seq_no_for(id));
    }

    #[test]
    fn differs_between_ids() {
        // Many ids within the same millisecond must still differ.
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| client_seq_no_for(Uuid::now_v7()))
            .collect();
        assert_eq!(ids.len(), 1000);
    }
}
