//! The OCF container: a ZIP file written byte for byte the same way every time.
//!
//! `mimetype` comes first, stored (not compressed) and without extra fields,
//! as OCF requires; the other entries follow in the order given, deflated,
//! all with the same timestamp (the build date, or 1980-01-01 when that is
//! earlier than ZIP can say). There are no extra fields, comments or
//! permissions that could vary between machines. Written by hand rather than
//! with the `zip` crate: the format is small and this way nothing in it can
//! depend on the clock or the platform.
//!
//! Entries are deflated in parallel (rayon), and an [`EntryCache`] keeps
//! each deflated entry by its content for the next build, so a rebuild
//! deflates only what changed: the same bytes either way.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// One file of the container.
pub struct Entry {
    /// Path inside the container, `/`-separated.
    pub path: String,
    /// Contents.
    pub data: Vec<u8>,
}

/// Writes the container: `mimetype` first, then `entries` in order.
/// `timestamp` is seconds since the Unix epoch (UTC).
#[cfg(test)]
pub fn write(entries: &[Entry], timestamp: i64) -> Vec<u8> {
    write_cached(entries, timestamp, None)
}

/// [`write`], taking entries deflated by earlier builds from `cache` and
/// keeping there the ones it deflates.
pub fn write_cached(entries: &[Entry], timestamp: i64, cache: Option<&EntryCache>) -> Vec<u8> {
    let (time, date) = dos_time(timestamp);
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mimetype = Entry {
        path: "mimetype".into(),
        data: b"application/epub+zip".to_vec(),
    };
    if let Some(cache) = cache {
        cache.begin();
    }
    let deflated: Vec<Deflated> = entries
        .par_iter()
        .map(|entry| match cache {
            Some(cache) => cache.deflated(&entry.data),
            None => Deflated::new(&entry.data),
        })
        .collect();
    let stored = Deflated {
        crc: crc32(&mimetype.data),
        data: mimetype.data.clone().into(),
    };
    for (index, (entry, packed)) in std::iter::once((&mimetype, &stored))
        .chain(entries.iter().zip(&deflated))
        .enumerate()
    {
        let stored = index == 0;
        let header = Header {
            method: if stored { 0 } else { 8 },
            time,
            date,
            crc: packed.crc,
            compressed: u32::try_from(packed.data.len()).expect("entries under 4 GiB"),
            size: u32::try_from(entry.data.len()).expect("entries under 4 GiB"),
            name: entry.path.as_bytes(),
        };
        let offset = u32::try_from(out.len()).expect("containers under 4 GiB");
        header.local(&mut out);
        out.extend_from_slice(&packed.data);
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

fn crc32(data: &[u8]) -> u32 {
    libdeflater::crc32(data)
}

/// An entry's data deflated, and the CRC-32 of the data.
#[derive(Debug, Clone)]
struct Deflated {
    crc: u32,
    data: Arc<[u8]>,
}

impl Deflated {
    fn new(data: &[u8]) -> Deflated {
        let mut compressor = libdeflater::Compressor::new(libdeflater::CompressionLvl::default());
        let mut out = vec![0; compressor.deflate_compress_bound(data.len())];
        // The bound is room enough: compressing into it cannot fail.
        let written = compressor.deflate_compress(data, &mut out).unwrap_or(0);
        out.truncate(written);
        Deflated {
            crc: crc32(data),
            data: out.into(),
        }
    }
}

/// Entries deflated by earlier builds, by the XXH3-128 hash of their
/// data; what a build does not use is forgotten when the next begins.
#[derive(Debug, Default)]
pub struct EntryCache {
    inner: Mutex<EntryInner>,
}

#[derive(Debug, Default)]
struct EntryInner {
    entries: FxHashMap<u128, Deflated>,
    used: FxHashSet<u128>,
    hits: usize,
    misses: usize,
}

/// What [`EntryCache::to_bytes`] writes first: the format and its version.
const CACHE_MAGIC: &[u8; 8] = b"qocf\x00\x00\x00\x01";

impl EntryCache {
    /// A new, empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, EntryInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many entries the last build took from the cache.
    pub fn hits(&self) -> usize {
        self.lock().hits
    }

    /// How many entries the last build deflated.
    pub fn misses(&self) -> usize {
        self.lock().misses
    }

    fn begin(&self) {
        let mut inner = self.lock();
        let used = std::mem::take(&mut inner.used);
        if !used.is_empty() {
            inner.entries.retain(|key, _| used.contains(key));
        }
        inner.hits = 0;
        inner.misses = 0;
    }

    fn deflated(&self, data: &[u8]) -> Deflated {
        let key = xxhash_rust::xxh3::xxh3_128(data);
        {
            let mut inner = self.lock();
            inner.used.insert(key);
            if let Some(found) = inner.entries.get(&key).cloned() {
                inner.hits += 1;
                return found;
            }
        }
        let made = Deflated::new(data);
        let mut inner = self.lock();
        inner.misses += 1;
        inner.entries.insert(key, made.clone());
        made
    }

    /// The cache as bytes, for [`from_bytes`](Self::from_bytes): the
    /// entries the last build used (all, before any build), by key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let inner = self.lock();
        let mut keys: Vec<&u128> = inner
            .entries
            .keys()
            .filter(|key| inner.used.is_empty() || inner.used.contains(key))
            .collect();
        keys.sort();
        let mut out = CACHE_MAGIC.to_vec();
        out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
        for key in keys {
            let entry = &inner.entries[key];
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&(entry.data.len() as u64).to_le_bytes());
            out.extend_from_slice(&entry.data);
        }
        out
    }

    /// A cache from [`to_bytes`](Self::to_bytes); `None` for anything
    /// else (another version, a truncated file).
    pub fn from_bytes(bytes: &[u8]) -> Option<EntryCache> {
        let mut rest = bytes.strip_prefix(CACHE_MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
            rest = tail;
            Some(head)
        };
        let count = u64::from_le_bytes(take(8)?.try_into().ok()?);
        let mut entries = FxHashMap::default();
        for _ in 0..count {
            let key = u128::from_le_bytes(take(16)?.try_into().ok()?);
            let crc = u32::from_le_bytes(take(4)?.try_into().ok()?);
            let len = usize::try_from(u64::from_le_bytes(take(8)?.try_into().ok()?)).ok()?;
            let data: Arc<[u8]> = take(len)?.into();
            entries.insert(key, Deflated { crc, data });
        }
        if !rest.is_empty() {
            return None;
        }
        Some(EntryCache {
            inner: Mutex::new(EntryInner {
                entries,
                ..Default::default()
            }),
        })
    }
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

    fn entries(texts: &[&str]) -> Vec<Entry> {
        texts
            .iter()
            .enumerate()
            .map(|(n, text)| Entry {
                path: format!("e{n}.xhtml"),
                data: text.repeat(50).into_bytes(),
            })
            .collect()
    }

    #[test]
    fn the_cache_gives_the_same_bytes_and_deflates_only_what_changed() {
        let first = entries(&["one ", "two ", "three "]);
        let cache = EntryCache::new();
        let cold = write_cached(&first, 0, Some(&cache));
        assert_eq!(cold, write(&first, 0));
        assert_eq!((cache.hits(), cache.misses()), (0, 3));
        assert_eq!(write_cached(&first, 0, Some(&cache)), cold);
        assert_eq!((cache.hits(), cache.misses()), (3, 0));
        let second = entries(&["one ", "TWO ", "three "]);
        let warm = write_cached(&second, 0, Some(&cache));
        assert_eq!(warm, write(&second, 0));
        assert_eq!((cache.hits(), cache.misses()), (2, 1));
        // Kept on disk and read back: the same hits, the same bytes.
        let bytes = cache.to_bytes();
        let read = EntryCache::from_bytes(&bytes).expect("reads back");
        assert_eq!(write_cached(&second, 0, Some(&read)), warm);
        assert_eq!((read.hits(), read.misses()), (3, 0));
        // Only what the last build used was kept: the old `two` is not.
        assert_eq!(write_cached(&first, 0, Some(&read)), cold);
        assert_eq!((read.hits(), read.misses()), (2, 1));
        assert!(EntryCache::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(EntryCache::from_bytes(b"something else").is_none());
    }

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
