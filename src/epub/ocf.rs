//! The OCF container: a ZIP file written byte for byte the same way every time.
//!
//! `mimetype` comes first, stored (not compressed) and without extra fields,
//! as OCF requires; the other entries follow in the order given, deflated,
//! all with the same timestamp (the build date, or 1980-01-01 when that is
//! earlier than ZIP can say). There are no extra fields, comments or
//! permissions that could vary between machines. Written by hand rather than
//! with the `zip` crate: the format is small and this way nothing in it can
//! depend on the clock or the platform.

use std::io::Write;

use flate2::Compression;
use flate2::write::DeflateEncoder;

/// One file of the container.
pub struct Entry {
    /// Path inside the container, `/`-separated.
    pub path: String,
    /// Contents.
    pub data: Vec<u8>,
}

/// Writes the container: `mimetype` first, then `entries` in order.
/// `timestamp` is seconds since the Unix epoch (UTC).
pub fn write(entries: &[Entry], timestamp: i64) -> Vec<u8> {
    let (time, date) = dos_time(timestamp);
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mimetype = Entry {
        path: "mimetype".into(),
        data: b"application/epub+zip".to_vec(),
    };
    for (index, entry) in std::iter::once(&mimetype).chain(entries).enumerate() {
        let stored = index == 0;
        let compressed = if stored {
            entry.data.clone()
        } else {
            let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
            encoder.write_all(&entry.data).expect("writing to memory");
            encoder.finish().expect("writing to memory")
        };
        let mut crc = flate2::Crc::new();
        crc.update(&entry.data);
        let header = Header {
            method: if stored { 0 } else { 8 },
            time,
            date,
            crc: crc.sum(),
            compressed: u32::try_from(compressed.len()).expect("entries under 4 GiB"),
            size: u32::try_from(entry.data.len()).expect("entries under 4 GiB"),
            name: entry.path.as_bytes(),
        };
        let offset = u32::try_from(out.len()).expect("containers under 4 GiB");
        header.local(&mut out);
        out.extend_from_slice(&compressed);
        header.central(offset, &mut central);
    }
    let count = u16::try_from(entries.len() + 1).expect("fewer than 65,536 entries");
    let central_offset = u32::try_from(out.len()).expect("containers under 4 GiB");
    let central_size = u32::try_from(central.len()).expect("containers under 4 GiB");
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, central_size);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    out
}

struct Header<'a> {
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: &'a [u8],
}

impl Header<'_> {
    fn version(&self) -> u16 {
        if self.method == 0 { 10 } else { 20 }
    }

    fn common(&self, out: &mut Vec<u8>) {
        put16(out, self.version());
        put16(out, 0x0800); // flags: names are UTF-8
        put16(out, self.method);
        put16(out, self.time);
        put16(out, self.date);
        put32(out, self.crc);
        put32(out, self.compressed);
        put32(out, self.size);
        put16(out, u16::try_from(self.name.len()).expect("short names"));
        put16(out, 0); // extra field length
    }

    fn local(&self, out: &mut Vec<u8>) {
        put32(out, 0x0403_4b50);
        self.common(out);
        out.extend_from_slice(self.name);
    }

    fn central(&self, offset: u32, out: &mut Vec<u8>) {
        put32(out, 0x0201_4b50);
        put16(out, 20); // made by: MS-DOS, spec 2.0
        self.common(out);
        put16(out, 0); // comment length
        put16(out, 0); // disk number
        put16(out, 0); // internal attributes
        put32(out, 0); // external attributes
        put32(out, offset);
        out.extend_from_slice(self.name);
    }
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// MS-DOS time and date fields for a Unix timestamp (UTC), clamped to the
/// years ZIP can express (1980–2107).
fn dos_time(timestamp: i64) -> (u16, u16) {
    let civil = crate::date::Civil::from_timestamp(timestamp);
    if civil.year < 1980 {
        return (0, (1 << 5) | 1);
    }
    let year = civil.year.min(2107) - 1980;
    let time = (civil.hour << 11) | (civil.minute << 5) | (civil.second / 2);
    let date = ((year as u32) << 9) | (civil.month << 5) | civil.day;
    (time as u16, date as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mimetype_first_and_stored() {
        let zip = write(
            &[Entry {
                path: "a.txt".into(),
                data: b"hello hello hello".to_vec(),
            }],
            0,
        );
        assert_eq!(&zip[0..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 0, "stored");
        assert_eq!(u16::from_le_bytes([zip[28], zip[29]]), 0, "no extra field");
        assert_eq!(&zip[30..38], b"mimetype");
        assert_eq!(&zip[38..58], b"application/epub+zip");
        // Same input, same bytes.
        assert_eq!(
            zip,
            write(
                &[Entry {
                    path: "a.txt".into(),
                    data: b"hello hello hello".to_vec()
                }],
                0
            )
        );
    }

    #[test]
    fn dos_dates() {
        // 2020-09-30 21:53:10 UTC
        let (time, date) = dos_time(1_601_502_790);
        assert_eq!(date >> 9, 40);
        assert_eq!((date >> 5) & 0xf, 9);
        assert_eq!(date & 0x1f, 30);
        assert_eq!(time >> 11, 21);
        assert_eq!((time >> 5) & 0x3f, 53);
        assert_eq!((time & 0x1f) * 2, 10);
    }
}
