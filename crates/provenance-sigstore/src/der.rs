//! A minimal, bounds-checked DER reader (and the two encoders we need).
//!
//! Only what certificate, SCT and RFC 3161 parsing need: read one TLV, walk the
//! children of a constructed value. Every access is checked; nothing panics.

/// One DER element: tag byte, the full encoding and the contents.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) full: &'a [u8],
    pub(crate) value: &'a [u8],
}

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const SET: u8 = 0x31;
pub(crate) const OID: u8 = 0x06;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const BIT_STRING: u8 = 0x03;
pub(crate) const BOOLEAN: u8 = 0x01;
pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
pub(crate) const UTF8_STRING: u8 = 0x0c;

/// Why DER could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError;

/// Reads one TLV from the front of `input`; returns it and the rest.
pub(crate) fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DerError> {
    let (&tag, rest) = input.split_first().ok_or(DerError)?;
    if tag & 0x1f == 0x1f {
        return Err(DerError); // high tag numbers are never used here
    }
    let (&first, mut rest) = rest.split_first().ok_or(DerError)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err(DerError);
        }
        let (bytes, r) = rest.split_at_checked(n).ok_or(DerError)?;
        rest = r;
        let mut len = 0usize;
        for b in bytes {
            len = (len << 8) | usize::from(*b);
        }
        if len < 0x80 || bytes.first() == Some(&0) {
            return Err(DerError); // non-minimal length
        }
        len
    };
    let (value, after) = rest.split_at_checked(len).ok_or(DerError)?;
    let header_len = input.len() - rest.len();
    let full = input.get(..header_len + len).ok_or(DerError)?;
    Ok((Tlv { tag, full, value }, after))
}

/// Reads exactly one TLV (no trailing bytes) with the expected tag.
pub(crate) fn read_one(input: &[u8], tag: u8) -> Result<Tlv<'_>, DerError> {
    let (tlv, rest) = read(input)?;
    if !rest.is_empty() || tlv.tag != tag {
        return Err(DerError);
    }
    Ok(tlv)
}

/// Iterator over the children of a constructed value.
pub(crate) struct Children<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>, DerError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read(self.rest) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl<'a> Tlv<'a> {
    /// The children of this constructed value.
    pub(crate) fn children(&self) -> Children<'a> {
        Children { rest: self.value }
    }

    /// All children, collected (bounded by the input size).
    pub(crate) fn child_vec(&self) -> Result<Vec<Tlv<'a>>, DerError> {
        self.children().collect()
    }

    /// Checks the tag.
    pub(crate) fn expect(self, tag: u8) -> Result<Self, DerError> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(DerError)
        }
    }
}

/// Encodes a DER length.
pub(crate) fn encode_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        #[expect(clippy::cast_possible_truncation, reason = "len < 0x80")]
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let used = bytes.get(skip..).unwrap_or_default();
        #[expect(clippy::cast_possible_truncation, reason = "at most 8 length bytes")]
        out.push(0x80 | used.len() as u8);
        out.extend_from_slice(used);
    }
}

/// Encodes a TLV.
pub(crate) fn encode(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    out.push(tag);
    encode_len(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

/// Parses a `UTCTime` or `GeneralizedTime` (`Z` form) into Unix seconds.
pub(crate) fn parse_time(tlv: &Tlv<'_>) -> Result<i64, DerError> {
    let s = std::str::from_utf8(tlv.value).map_err(|_| DerError)?;
    let (year, rest) = match tlv.tag {
        UTC_TIME => {
            let y: i32 = s.get(..2).ok_or(DerError)?.parse().map_err(|_| DerError)?;
            (
                if y >= 50 { 1900 + y } else { 2000 + y },
                s.get(2..).ok_or(DerError)?,
            )
        }
        GENERALIZED_TIME => {
            let y: i32 = s.get(..4).ok_or(DerError)?.parse().map_err(|_| DerError)?;
            (y, s.get(4..).ok_or(DerError)?)
        }
        _ => return Err(DerError),
    };
    let rest = rest.strip_suffix('Z').ok_or(DerError)?;
    // RFC 3161 genTime may carry fractional seconds: drop them.
    let rest = rest.split('.').next().ok_or(DerError)?;
    if rest.len() != 10 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DerError);
    }
    let num = |r: std::ops::Range<usize>| -> Result<u8, DerError> {
        rest.get(r).ok_or(DerError)?.parse().map_err(|_| DerError)
    };
    let month = time::Month::try_from(num(0..2)?).map_err(|_| DerError)?;
    let date = time::Date::from_calendar_date(year, month, num(2..4)?).map_err(|_| DerError)?;
    let t = time::Time::from_hms(num(4..6)?, num(6..8)?, num(8..10)?).map_err(|_| DerError)?;
    Ok(time::PrimitiveDateTime::new(date, t)
        .assume_utc()
        .unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_rejects() {
        let (t, rest) = read(&[0x30, 0x03, 0x02, 0x01, 0x05, 0xff]).unwrap();
        assert_eq!(t.tag, SEQUENCE);
        assert_eq!(rest, &[0xff]);
        assert_eq!(t.child_vec().unwrap().len(), 1);
        assert!(read(&[0x30, 0x05, 0x00]).is_err());
        assert!(read(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0]).is_err());
        assert_eq!(encode(0x04, &[1, 2]), vec![4, 2, 1, 2]);
        let long = encode(0x04, &[0; 300]);
        assert_eq!(long.get(..4).unwrap(), &[4, 0x82, 1, 44]);
    }

    #[test]
    fn times() {
        let t = Tlv {
            tag: UTC_TIME,
            full: &[],
            value: b"240319172626Z",
        };
        assert_eq!(parse_time(&t).unwrap(), 1_710_869_186);
        let g = Tlv {
            tag: GENERALIZED_TIME,
            full: &[],
            value: b"20240319172626.123Z",
        };
        assert_eq!(parse_time(&g).unwrap(), 1_710_869_186);
    }
}
