//! Dictionaries of string columns held in the scan cache: the distinct values of a column and, for each
//! row, the number of its value. A row-by-row condition on one such column is evaluated once per distinct
//! value instead of once per row (a signer, a file name, a domain: columns with few values and many rows),
//! which is what makes a re-run after editing such a parameter cheap.
//!
//! Rows are told apart by their string views, not their text: the Parquet reader turns a dictionary page
//! into views of one buffer, so the rows of one value share a view; a short string (up to 12 bytes) is held
//! in its view. A column whose views do not repeat gets no dictionary (after at most `limit` distinct ones).

use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;

/// The distinct values of a string column and each row's index into them.
pub(crate) struct Dictionary {
    /// The distinct values (a value may appear more than once when it came from several buffers).
    pub values: Column,
    /// For each row of the column, its value's index in `values`.
    pub codes: UInt32Chunked,
}

/// The dictionary of `column`, when it is a string column without nulls whose rows share at most `limit`
/// distinct views.
pub(crate) fn build(column: &Column, limit: usize) -> Option<Dictionary> {
    let ca = column.as_materialized_series().str().ok()?;
    if ca.null_count() > 0 {
        return None;
    }
    let mut index: PlHashMap<(u32, u128), u32> = PlHashMap::default();
    let mut values: Vec<&str> = Vec::new();
    let mut codes: Vec<u32> = Vec::with_capacity(ca.len());
    for (chunk, arr) in ca.downcast_iter().enumerate() {
        let chunk = u32::try_from(chunk).ok()?;
        for (i, view) in arr.views().iter().enumerate() {
            // A short string is its view; a longer one is a place in this chunk's buffers.
            let home = if view.length <= 12 { u32::MAX } else { chunk };
            let next = u32::try_from(values.len()).ok()?;
            let code = *index.entry((home, view.as_u128())).or_insert(next);
            if code == next {
                if values.len() >= limit {
                    return None;
                }
                values.push(arr.value(i));
            }
            codes.push(code);
        }
    }
    Some(Dictionary {
        values: StringChunked::from_iter_values(ca.name().clone(), values.into_iter())
            .into_column(),
        codes: UInt32Chunked::from_vec(ca.name().clone(), codes),
    })
}

/// Which rows hold, from which distinct values hold (`by_value`, one per value of the dictionary; null
/// counts as false): a gather of `by_value` by the codes.
pub(crate) fn expand(
    by_value: &BooleanChunked,
    codes: &UInt32Chunked,
) -> PolarsResult<BooleanChunked> {
    let held: Vec<u8> = by_value.iter().map(|b| u8::from(b == Some(true))).collect();
    let bit = |c: u32| held.get(c as usize).copied().unwrap_or(0);
    let one = codes.rechunk();
    let Ok(codes) = one.cont_slice() else {
        return Err(polars_err!(ComputeError: "dictionary codes with nulls"));
    };
    // Eight rows to a byte, least significant bit first (Arrow's bitmap layout): several times faster than
    // a gather of bits.
    let mut bytes = Vec::with_capacity(codes.len().div_ceil(8));
    let mut eights = codes.chunks_exact(8);
    for e in &mut eights {
        bytes.push(
            bit(e[0])
                | bit(e[1]) << 1
                | bit(e[2]) << 2
                | bit(e[3]) << 3
                | bit(e[4]) << 4
                | bit(e[5]) << 5
                | bit(e[6]) << 6
                | bit(e[7]) << 7,
        );
    }
    let tail = eights.remainder();
    if !tail.is_empty() {
        bytes.push(
            tail.iter()
                .enumerate()
                .fold(0u8, |b, (i, c)| b | bit(*c) << i),
        );
    }
    Ok(BooleanChunked::from_bitmap(
        by_value.name().clone(),
        Bitmap::from_u8_vec(bytes, codes.len()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_a_value_share_a_code_and_expand_back() {
        let long = "Nanosystems S.R.L. (a long signer)";
        let s = Series::new(
            "S".into(),
            [long, "x", long, "y", "x", long, "a different long value"],
        );
        let d = build(&s.into_column(), 100).expect("a dictionary");
        let values: Vec<&str> = d.values.str().unwrap().iter().flatten().collect();
        let codes: Vec<u32> = d.codes.iter().flatten().collect();
        // Each row's code names its own text, and equal short strings share one.
        let original = [long, "x", long, "y", "x", long, "a different long value"];
        for (row, code) in codes.iter().enumerate() {
            assert_eq!(values[*code as usize], original[row]);
        }
        assert_eq!(codes[1], codes[4]);
        let by_value = BooleanChunked::from_iter_values(
            "m".into(),
            values
                .iter()
                .map(|v| v.starts_with('x') || v.starts_with("Nano")),
        );
        let rows: Vec<bool> = expand(&by_value, &d.codes)
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(rows, [true, true, true, false, true, true, false]);
        // Longer than a byte of the bitmap, with a tail, and over several chunks.
        let many: Vec<&str> = (0..21).map(|i| ["a", "bb", "c"][i % 3]).collect();
        let d = build(&Series::new("S".into(), many.clone()).into_column(), 10).unwrap();
        let values: Vec<&str> = d.values.str().unwrap().iter().flatten().collect();
        let by_value =
            BooleanChunked::from_iter_values("m".into(), values.iter().map(|v| *v == "bb"));
        let want: Vec<bool> = many.iter().map(|v| *v == "bb").collect();
        let got: Vec<bool> = expand(&by_value, &d.codes)
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(got, want);
        let mut two = d.codes.slice(0, 10);
        two.append(&d.codes.slice(10, 11)).unwrap();
        let got: Vec<bool> = expand(&by_value, &two).unwrap().iter().flatten().collect();
        assert_eq!(got, want);
    }

    #[test]
    fn no_dictionary_for_nulls_other_types_or_too_many_values() {
        let nulls = Series::new("S".into(), [Some("a"), None]).into_column();
        assert!(build(&nulls, 10).is_none());
        let longs = Series::new("L".into(), [1i64, 1, 1]).into_column();
        assert!(build(&longs, 10).is_none());
        let many: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
        let many = Series::new("S".into(), many).into_column();
        assert!(build(&many, 50).is_none());
        assert!(build(&many, 100).is_some());
    }
}
