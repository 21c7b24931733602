//! The parallel CSV reader queries use: the file is mapped, cut into chunks that are parsed on all cores, and
//! each chunk's records are handed to the caller as field spans, so that only the fields a query needs become
//! strings (and, after a filter, only in the rows that pass). Parsing walks the structural bytes (`,` `"` CR
//! LF), found 64 at a time as a bit mask ([`Structural`]), not byte by byte.
//!
//! A chunk after the first starts, by guess, after the first line break past its nominal start; the guess is
//! right unless that line break is inside a quoted field. The previous chunk's parse says where the next record
//! really starts, and a chunk whose guess was wrong is parsed again from there. Errors found in a chunk count
//! only once its start is confirmed.
//!
//! Input that [`crate::data::csvfile`]'s reader reads differently from plain RFC 4180 (a `"` inside an
//! unquoted field, text after a closing quote, a lone CR as line break, an unterminated quote) is not parsed
//! here: [`scan`] returns `None` and the caller reads the file with that reader, which also reports malformed
//! quoting with its line.

use std::fs::File;
use std::path::Path;

use memchr::{memchr, memchr_iter};
use polars::prelude::*;
use polars_arrow::array::MutableBinaryViewArray;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::data::csvfile;
use crate::data::error::DataError;

/// One record's field, as byte offsets into the file (quotes included when quoted).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: usize,
    end: usize,
}

/// The records of one chunk, as [`scan`] hands them to its caller.
pub struct Records<'a> {
    data: &'a [u8],
    path: &'a Path,
    parsed: &'a Parsed,
    /// The positions of the wanted fields (`parsed` has one span per record and position).
    positions: &'a [usize],
    /// The file's header, for messages.
    header: &'a [String],
}

impl Records<'_> {
    pub fn len(&self) -> usize {
        self.parsed.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parsed.starts.is_empty()
    }

    /// The 1-based line a record starts on (counted from the start of the file: for errors).
    pub fn line_of(&self, row: usize) -> usize {
        line_at(self.data, self.parsed.starts[row])
    }

    /// Where a record starts in the file (for [`Scanned::line_at`]).
    pub fn offset_of(&self, row: usize) -> usize {
        self.parsed.starts[row]
    }

    fn field(&self, row: usize, k: usize) -> Result<Option<std::borrow::Cow<'_, str>>, DataError> {
        let s = self.parsed.spans[row * self.positions.len() + k];
        let mut bytes = &self.data[s.start..s.end];
        let quoted = bytes.first() == Some(&b'"');
        if quoted {
            bytes = &bytes[1..bytes.len() - 1];
        }
        if bytes.is_empty() {
            return Ok(None);
        }
        let text = if self.parsed.ascii {
            // SAFETY: ASCII bytes (every byte of the chunk's records was checked) are valid UTF-8.
            Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
        } else {
            std::str::from_utf8(bytes)
        };
        let text = text.map_err(|_| DataError::Malformed {
            path: self.path.display().to_string(),
            line: self.line_of(row),
            message: format!(
                "field {} (column {}) is not valid UTF-8",
                self.positions[k] + 1,
                self.header
                    .get(self.positions[k])
                    .map_or("?", |h| h.as_str())
            ),
        })?;
        Ok(Some(if quoted && memchr(b'"', bytes).is_some() {
            std::borrow::Cow::Owned(text.replace("\"\"", "\""))
        } else {
            std::borrow::Cow::Borrowed(text)
        }))
    }

    /// The `k`-th wanted field of the given rows (all rows when `None`) as strings; empty fields are null.
    pub fn text(
        &self,
        k: usize,
        name: &str,
        rows: Option<&[usize]>,
    ) -> PolarsResult<StringChunked> {
        let n = rows.map_or(self.len(), <[usize]>::len);
        let mut out = MutableBinaryViewArray::<str>::with_capacity(n);
        let mut push = |row: usize| -> PolarsResult<()> {
            match self.field(row, k).map_err(to_polars)? {
                Some(t) => out.push_value(&*t),
                None => out.push_null(),
            }
            Ok(())
        };
        match rows {
            Some(rows) => rows.iter().try_for_each(|&r| push(r))?,
            None => (0..self.len()).try_for_each(push)?,
        }
        Ok(StringChunked::with_chunk(name.into(), out.freeze()))
    }
}

/// A data error as a polars error (its message names the file and line).
pub fn to_polars(e: DataError) -> PolarsError {
    PolarsError::ComputeError(e.to_string().into())
}

fn line_at(data: &[u8], pos: usize) -> usize {
    1 + memchr_iter(b'\n', &data[..pos.min(data.len())]).count()
}

/// The positions of the structural bytes `,` `"` `\n` `\r` of `data`, in order: found 64 bytes at a time as a
/// bit mask (AVX2 where the processor has it, else eight bytes at a time in a word), then bit by bit. Much
/// cheaper than resuming a search after every hit when they are a few bytes apart, as fields are.
struct Structural<'a> {
    data: &'a [u8],
    base: usize,
    mask: u64,
    avx2: bool,
    /// No byte scanned so far is above 0x7F (then every field in them is valid UTF-8).
    ascii: bool,
}

impl<'a> Structural<'a> {
    fn new(data: &'a [u8]) -> Structural<'a> {
        #[cfg(target_arch = "x86_64")]
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        #[cfg(not(target_arch = "x86_64"))]
        let avx2 = false;
        let (mask, ascii) = block_mask(data, avx2);
        Structural {
            data,
            base: 0,
            mask,
            avx2,
            ascii,
        }
    }
}

impl Iterator for Structural<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.data.len() {
                return None;
            }
            let (mask, ascii) = block_mask(&self.data[self.base..], self.avx2);
            self.mask = mask;
            self.ascii &= ascii;
        }
        let bit = self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(self.base + bit)
    }
}

/// Bit `i` set when byte `i` of the first 64 bytes of `rest` is structural; and whether they are all ASCII.
#[inline]
fn block_mask(rest: &[u8], avx2: bool) -> (u64, bool) {
    match rest.first_chunk::<64>() {
        Some(block) => {
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: the processor has AVX2 (checked at run time in `Structural::new`).
                return unsafe { mask_avx2(block) };
            }
            let _ = avx2;
            block
                .chunks_exact(8)
                .enumerate()
                .fold((0, true), |(m, ascii), (k, w)| {
                    let (wm, wa) = mask_word(w);
                    (m | (wm << (8 * k)), ascii && wa)
                })
        }
        None => (
            rest.iter()
                .enumerate()
                .filter(|(_, b)| matches!(b, b',' | b'"' | b'\n' | b'\r'))
                .fold(0, |m, (i, _)| m | (1 << i)),
            rest.is_ascii(),
        ),
    }
}

/// Bit `i` set when byte `i` of the 8 bytes is structural (bytes compared in a word, no branch per byte); and
/// whether they are all ASCII.
#[inline]
fn mask_word(w: &[u8]) -> (u64, bool) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
    // The high bit of each byte that equals `b` (exact: no carries between bytes).
    let eq = |b: u8| {
        let v = x ^ (0x0101_0101_0101_0101 * u64::from(b));
        !(((v & LOW7) + LOW7) | v | LOW7)
    };
    let high = eq(b',') | eq(b'"') | eq(b'\n') | eq(b'\r');
    // One bit per byte: the high bits gathered into the top byte.
    (
        ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56,
        x & !LOW7 == 0,
    )
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn mask_avx2(block: &[u8; 64]) -> (u64, bool) {
    use std::arch::x86_64::*;
    let half = |k: usize| -> (u64, bool) {
        // SAFETY: 32 bytes at offset 0 or 32 of a 64-byte array; unaligned load.
        let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(k).cast::<__m256i>()) };
        let hits = _mm256_or_si256(
            _mm256_or_si256(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b',' as i8)),
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8)),
            ),
            _mm256_or_si256(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8)),
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\r' as i8)),
            ),
        );
        (
            u64::from(_mm256_movemask_epi8(hits) as u32),
            _mm256_movemask_epi8(v) == 0,
        )
    };
    let (lo, lo_ascii) = half(0);
    let (hi, hi_ascii) = half(32);
    (lo | (hi << 32), lo_ascii && hi_ascii)
}

/// Why a chunk's parse stopped short.
enum Stop {
    /// Input to leave to the sequential reader.
    Fallback,
    /// A record with the wrong number of fields (where it starts, how many).
    Width(usize, usize),
}

struct Parsed {
    /// Where the next record after this chunk's starts.
    end: usize,
    /// Per record: its first byte.
    starts: Vec<usize>,
    /// Per record, one span per wanted position (in the order of the positions given to [`scan`]).
    spans: Vec<Span>,
    /// The records are all ASCII (valid UTF-8 without checking each field).
    ascii: bool,
}

/// Parses records from `start` until one ends at or past `limit` (or the data ends). A lone CR outside quotes
/// (a line break to the sequential reader) sends the file there.
fn parse(
    data: &[u8],
    start: usize,
    limit: usize,
    width: usize,
    slot: &[u32],
    wanted: usize,
) -> Result<Parsed, Stop> {
    let mut starts = Vec::new();
    let mut spans = Vec::new();
    let mut row = vec![Span::default(); wanted];
    let mut record = start;
    let mut field_start = start;
    let mut field = 0usize;
    // Inside a quoted field; the position just after the closing quote of the current field (if quoted).
    let mut quoted = false;
    let mut closed: Option<usize> = None;
    let mut skip_quote: Option<usize> = None;
    if start >= limit || start >= data.len() {
        return Ok(Parsed {
            end: start,
            starts,
            spans,
            ascii: true,
        });
    }
    let end_field = |field: &mut usize, s: usize, e: usize, row: &mut Vec<Span>| {
        if let Some(&k) = slot.get(*field)
            && k != u32::MAX
        {
            row[k as usize] = Span { start: s, end: e };
        }
        *field += 1;
    };
    let body = &data[start..];
    let mut scan = Structural::new(body);
    while let Some(rel) = scan.next() {
        let p = start + rel;
        let b = data[p];
        if quoted {
            if b != b'"' {
                continue;
            }
            if skip_quote == Some(p) {
                skip_quote = None;
                continue;
            }
            if data.get(p + 1) == Some(&b'"') {
                skip_quote = Some(p + 1);
                continue;
            }
            quoted = false;
            closed = Some(p + 1);
            continue;
        }
        match b {
            b'"' => {
                if p == field_start && closed.is_none() {
                    quoted = true;
                } else {
                    return Err(Stop::Fallback);
                }
            }
            // A CR outside quotes: only as the first byte of CRLF.
            b'\r' => {
                if data.get(p + 1) != Some(&b'\n') {
                    return Err(Stop::Fallback);
                }
            }
            b',' => {
                if closed.is_some_and(|c| c != p) {
                    return Err(Stop::Fallback);
                }
                end_field(&mut field, field_start, p, &mut row);
                field_start = p + 1;
                closed = None;
            }
            _ => {
                // A line break: CRLF ends the field before the CR.
                let mut e = p;
                if e > field_start && data[e - 1] == b'\r' {
                    e -= 1;
                }
                if closed.is_some_and(|c| c != e) {
                    return Err(Stop::Fallback);
                }
                let blank = field == 0 && e == field_start && closed.is_none();
                if !blank {
                    end_field(&mut field, field_start, e, &mut row);
                    if field != width {
                        return Err(Stop::Width(record, field));
                    }
                    starts.push(record);
                    spans.extend_from_slice(&row);
                }
                field = 0;
                closed = None;
                record = p + 1;
                field_start = p + 1;
                if record >= limit {
                    return Ok(Parsed {
                        end: record,
                        starts,
                        spans,
                        ascii: scan.ascii,
                    });
                }
            }
        }
    }
    if quoted {
        return Err(Stop::Fallback);
    }
    // The last record, without a final line break.
    if record < data.len() {
        let e = data.len();
        if closed.is_some_and(|c| c != e) {
            return Err(Stop::Fallback);
        }
        end_field(&mut field, field_start, e, &mut row);
        if field != width {
            return Err(Stop::Width(record, field));
        }
        starts.push(record);
        spans.extend_from_slice(&row);
    }
    Ok(Parsed {
        end: data.len(),
        starts,
        spans,
        ascii: scan.ascii,
    })
}

/// Lets the kernel drop the pages of `start..end` from this process (they stay in the page cache): a read
/// of a file larger than memory keeps only the chunks being parsed resident.
fn release(map: &memmap2::Mmap, start: usize, end: usize) {
    const PAGE: usize = 4096;
    let from = start.div_ceil(PAGE) * PAGE;
    let to = end / PAGE * PAGE;
    if to > from {
        // SAFETY: the map is a read-only mapping of a file: after MADV_DONTNEED its pages are read from the
        // file again when touched, with the same contents; nothing holds on to the old pages' addresses
        // across this call but slices of the same map, which read through it.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from)
        };
    }
}

/// The outcome of a chunk parsed from a start: where the next record starts, how many records it has and what
/// `each` made of them; or why it stopped.
type ChunkResult<T> = (usize, Result<(usize, usize, T), Result<Stop, PolarsError>>);

/// Reads the CSV file at `path` (its header has `header.len()` fields) in parallel chunks, calling `each` with
/// each chunk's records (fields at `positions`, in that order), and returns the results in file order with
/// the number of records. `None`: the file needs the sequential reader (see the module documentation).
pub fn scan<T, F>(
    path: &Path,
    header: &[String],
    positions: &[usize],
    each: F,
) -> PolarsResult<Option<Scanned<T>>>
where
    T: Send,
    F: Fn(&Records) -> PolarsResult<T> + Sync,
{
    let io = |e: std::io::Error| {
        to_polars(DataError::Io {
            path: path.display().to_string(),
            source: e,
        })
    };
    let file = File::open(path).map_err(io)?;
    // SAFETY: the map is read only; like polars' own CSV reader, huntbench expects exported files not to be
    // truncated while a query reads them.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    let data: &[u8] = &map;
    let width = header.len();
    let bom = if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut slot = vec![u32::MAX; width];
    for (k, &p) in positions.iter().enumerate() {
        if p < width {
            slot[p] = k as u32;
        }
    }
    // The header: one record.
    let body = match parse(data, bom, bom + 1, width, &[], 0) {
        Ok(h) if h.starts.len() == 1 => h.end,
        Ok(_) => data.len(),
        Err(Stop::Fallback) => return Ok(None),
        Err(Stop::Width(_, n)) => {
            return Err(to_polars(DataError::Malformed {
                path: path.display().to_string(),
                line: 1,
                message: format!(
                    "the header has {n} fields, {width} when the file was opened (the file changed; open the folder again)"
                ),
            }));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let size = ((data.len() - body) / (threads * 8)).clamp(1 << 20, 32 << 20);
    let nominal: Vec<usize> = (body..data.len()).step_by(size).collect();
    let limits: Vec<usize> = nominal
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(data.len()))
        .collect();
    let guess = |i: usize| -> usize {
        if i == 0 {
            return body;
        }
        let from = nominal[i] - 1;
        memchr(b'\n', &data[from..]).map_or(data.len(), |k| from + k + 1)
    };
    let wanted = positions.len();
    let run = |start: usize, i: usize| -> ChunkResult<T> {
        let parsed = match parse(data, start, limits[i], width, &slot, wanted) {
            Ok(p) => p,
            Err(stop) => return (start, Err(Ok(stop))),
        };
        let out = each(&Records {
            data,
            path,
            parsed: &parsed,
            positions,
            header,
        });
        release(&map, start, parsed.end.min(limits[i]));
        match out {
            Ok(t) => (start, Ok((parsed.end, parsed.starts.len(), t))),
            Err(e) => (start, Err(Err(e))),
        }
    };
    // One chunk at a time per thread (plain threads: a rayon worker waiting for the polars work inside `each`
    // would start other chunks meanwhile, and the chunks in flight, mapped and resident, would pile up).
    let next_chunk = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<ChunkResult<T>>>> =
        (0..nominal.len()).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(nominal.len()) {
            scope.spawn(|| {
                loop {
                    let i = next_chunk.fetch_add(1, Ordering::Relaxed);
                    if i >= nominal.len() {
                        break;
                    }
                    let result = run(guess(i), i);
                    if let Ok(mut slot) = done[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    // (A chunk without a result, none in practice, is parsed again below like a wrong guess.)
    let mut chunks: Vec<ChunkResult<T>> = done
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or((usize::MAX, Err(Ok(Stop::Fallback))))
        })
        .collect();
    let mut results = Vec::with_capacity(chunks.len());
    let mut rows = 0usize;
    let mut next = body;
    for (i, chunk) in chunks.iter_mut().enumerate() {
        if chunk.0 != next {
            *chunk = run(next, i);
        }
        let (_, result) = std::mem::replace(chunk, (next, Err(Ok(Stop::Fallback))));
        match result {
            Ok((end, records, t)) => {
                rows += records;
                next = end;
                results.push(t);
            }
            Err(Ok(Stop::Fallback)) => return Ok(None),
            Err(Ok(Stop::Width(at, n))) => {
                return Err(to_polars(csvfile::width_error(
                    path,
                    line_at(data, at),
                    n,
                    width,
                )));
            }
            Err(Err(e)) => return Err(e),
        }
    }
    Ok(Some(Scanned { results, rows, map }))
}

/// What [`scan`] read: `each`'s results in file order, the number of records, and the file's bytes for
/// [`Scanned::line_at`].
pub struct Scanned<T> {
    pub results: Vec<T>,
    pub rows: usize,
    map: memmap2::Mmap,
}

impl<T> Scanned<T> {
    /// The 1-based line of a byte offset (of [`Records::offset_of`]).
    pub fn line_at(&self, offset: usize) -> usize {
        line_at(&self.map, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record's fields at all positions, through chunks of the given size.
    fn read(text: &str, positions: &[usize]) -> Option<Vec<Vec<Option<String>>>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, text).unwrap();
        let first = text.lines().next().unwrap_or("");
        let header: Vec<String> = first.split(',').map(str::to_string).collect();
        let got = scan(&path, &header, positions, |r| {
            let cols: Vec<StringChunked> = (0..positions.len())
                .map(|k| r.text(k, "c", None))
                .collect::<PolarsResult<_>>()?;
            Ok((0..r.len())
                .map(|row| {
                    cols.iter()
                        .map(|c| c.get(row).map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>())
        })
        .unwrap()?;
        Some(got.results.into_iter().flatten().collect())
    }

    fn row(fields: &[&str]) -> Vec<Option<String>> {
        fields
            .iter()
            .map(|f| (!f.is_empty()).then(|| f.to_string()))
            .collect()
    }

    #[test]
    fn reads_rfc4180_records() {
        let text = "a,b,c\r\n1,\"x,\"\"y\"\"\",3\r\n\r\n,\"line\nbreak\",\n4,\"\",6";
        assert_eq!(
            read(text, &[0, 1, 2]).unwrap(),
            vec![
                row(&["1", "x,\"y\"", "3"]),
                row(&["", "line\nbreak", ""]),
                row(&["4", "", "6"]),
            ]
        );
        // Only some fields, in the order asked.
        assert_eq!(
            read(text, &[2, 0]).unwrap(),
            vec![row(&["3", "1"]), row(&["", ""]), row(&["6", "4"])]
        );
    }

    /// The block scan finds what a byte-by-byte scan finds, at every alignment and length (both variants).
    #[test]
    fn structural_positions_are_those_of_a_plain_scan() {
        let text: Vec<u8> = (0..1000u32)
            .map(|i| match (i * 7919) % 23 {
                0 => b',',
                1 => b'"',
                2 => b'\n',
                3 => b'\r',
                4 => 0xC3,
                k => b'a' + k as u8,
            })
            .collect();
        for start in 0..70 {
            for end in [start, start + 1, start + 63, start + 64, start + 65, 1000] {
                let slice = &text[start..end.min(1000)];
                let want: Vec<usize> = (0..slice.len())
                    .filter(|&i| matches!(slice[i], b',' | b'"' | b'\n' | b'\r'))
                    .collect();
                let mut scan = Structural::new(slice);
                assert_eq!(scan.by_ref().collect::<Vec<_>>(), want);
                assert_eq!(scan.ascii, slice.is_ascii());
                let portable = Structural {
                    data: slice,
                    base: 0,
                    mask: block_mask(slice, false).0,
                    avx2: false,
                    ascii: true,
                };
                assert_eq!(portable.collect::<Vec<_>>(), want);
            }
        }
    }

    #[test]
    fn quirks_go_to_the_sequential_reader() {
        for text in [
            "a,b\n1,x\"y\n",
            "a,b\n1,\"x\"y\n",
            "a,b\n1,\"open\n",
            "a,b\r1,2\r",
        ] {
            assert!(read(text, &[0, 1]).is_none(), "{text:?}");
        }
    }

    #[test]
    fn a_short_row_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, "a,b\n1,2\n\"multi\nline\",2\n3\n").unwrap();
        let header = vec!["a".to_string(), "b".to_string()];
        let Err(err) = scan(&path, &header, &[0], |r| Ok(r.len())) else {
            panic!("a short row must be an error");
        };
        let msg = err.to_string();
        assert!(msg.contains("t.csv:5"), "{msg}");
        assert!(msg.contains("row has 1 field, the header has 2"), "{msg}");
    }

    /// UTF-8 beyond ASCII is read; bytes that are not UTF-8 are an error naming the line and column.
    #[test]
    fn non_ascii_fields_are_checked() {
        assert_eq!(
            read("a,b\nSociété,x\n", &[0]).unwrap(),
            vec![row(&["Société"])]
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, b"a,b\n1,2\n\xff\xfe,3\n").unwrap();
        let header = vec!["a".to_string(), "b".to_string()];
        let Err(err) = scan(&path, &header, &[0], |r| r.text(0, "a", None)) else {
            panic!("invalid UTF-8 must be an error");
        };
        let msg = err.to_string();
        assert!(msg.contains("t.csv:3"), "{msg}");
        assert!(msg.contains("column a) is not valid UTF-8"), "{msg}");
    }

    /// Chunks cut inside quoted fields that hold line breaks: the guessed starts are wrong and parsed again.
    #[test]
    fn chunks_that_start_inside_a_quoted_line_break_are_parsed_again() {
        let mut text = String::from("id,note,n\n");
        let mut expected = Vec::new();
        for i in 0..150_000 {
            let note = if i % 3 == 0 {
                format!("multi\nline \"\"{i}\"\"\n,end")
            } else {
                format!("plain {i}")
            };
            text.push_str(&format!("{i},\"{note}\",{}\n", i * 2));
            expected.push(row(&[
                &i.to_string(),
                &note.replace("\"\"", "\""),
                &(i * 2).to_string(),
            ]));
        }
        assert!(text.len() > 2 << 20, "several chunks");
        assert_eq!(read(&text, &[0, 1, 2]).unwrap(), expected);
    }
}
