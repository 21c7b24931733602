//! CSV files longer than the part the catalog reads at open ([`CSV_SAMPLE_ROWS`]): what opening skipped, the
//! reads check, and they give the same frames, warnings and errors as a catalog that read every file in full
//! at open (`LoadOptions::validate`, as `huntbench data inspect` and `--strict` do). The files are written
//! here; the expected values follow from how they are written.

use std::path::Path;

use huntbench::data::catalog::CSV_SAMPLE_ROWS;
use huntbench::data::{Catalog, Condition, DataError, LoadOptions, TableProvider};
use polars::prelude::*;

const ROWS: usize = 30_000;

/// `DeviceNetworkEvents.csv` with `ROWS` rows: row `i` is on line `i + 2`, and one line later from row 24 000 on
/// (its RemoteUrl holds a quoted line break). `edit` may change a row's line.
fn write_events(dir: &Path, edit: impl Fn(usize, String) -> String) {
    const { assert!(ROWS > CSV_SAMPLE_ROWS + 5_000) };
    let mut text = String::from("Timestamp,DeviceName,RemotePort,RemoteUrl\n");
    for i in 0..ROWS {
        let url = if i == 24_000 {
            "\"a,\nb\"".to_string()
        } else {
            format!("x{i}.example.com")
        };
        let line = format!(
            "2024-05-01T00:00:{:02}Z,pc-{i},{},{url}\n",
            i % 60,
            i % 1000
        );
        text.push_str(&edit(i, line));
    }
    std::fs::write(dir.join("DeviceNetworkEvents.csv"), text).unwrap();
}

fn eager() -> LoadOptions {
    LoadOptions {
        validate: true,
        ..LoadOptions::default()
    }
}

fn frame(cat: &Catalog) -> DataFrame {
    cat.scan("DeviceNetworkEvents")
        .unwrap()
        .select([
            col("Timestamp"),
            col("DeviceName"),
            col("RemotePort"),
            col("RemoteUrl"),
        ])
        .collect()
        .unwrap()
}

fn ports(df: &DataFrame) -> Vec<Option<i32>> {
    df.column("RemotePort")
        .unwrap()
        .i32()
        .unwrap()
        .iter()
        .collect()
}

#[test]
fn reads_check_what_opening_skipped_and_agree_with_a_full_check_at_open() {
    let tmp = tempfile::tempdir().unwrap();
    write_events(tmp.path(), |i, line| {
        if i == 25_000 {
            line.replace(",0,", ",eighty,")
        } else {
            line
        }
    });
    let lazy = Catalog::open(tmp.path()).unwrap();
    assert!(lazy.warnings().is_empty(), "{:?}", lazy.warnings());
    let full = Catalog::open_with(tmp.path(), &eager()).unwrap();
    let at_open = full.warnings();
    assert_eq!(at_open.len(), 1, "{at_open:?}");
    assert_eq!(at_open[0].column.as_deref(), Some("RemotePort"));
    assert_eq!(at_open[0].line, Some(25_003));

    let df = frame(&lazy);
    assert!(df.equals_missing(&frame(&full)));
    let p = ports(&df);
    assert_eq!(p.len(), ROWS);
    assert_eq!(p[25_000], None);
    assert_eq!(p[25_001], Some(1));
    assert_eq!(p[999], Some(999));
    let url = df.column("RemoteUrl").unwrap().str().unwrap().get(24_000);
    assert_eq!(url, Some("a,\nb"));
    // The read found the value the sample did not hold: the same warning, now.
    let after = lazy.warnings();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].column.as_deref(), Some("RemotePort"));
    assert_eq!(after[0].count, 1);
    assert_eq!(after[0].line, Some(25_003));
    assert!(after[0].message.contains("\"eighty\""), "{}", after[0]);
    // Reading again does not count it twice.
    frame(&lazy);
    assert_eq!(lazy.warnings(), after);
    assert_eq!(lazy.row_count("DeviceNetworkEvents"), Some(ROWS));
}

/// Filters applied chunk by chunk as the file is parsed keep the rows a filter after the whole read keeps,
/// whichever conjunct is the most selective.
#[test]
fn filters_in_the_read_keep_the_rows_of_a_filter_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    write_events(tmp.path(), |_, line| line);
    let lazy = Catalog::open(tmp.path()).unwrap();
    let full = Catalog::open_with(tmp.path(), &eager()).unwrap();
    let port = col("RemotePort").eq(lit(80)).fill_null(lit(false));
    let name = col("DeviceName")
        .str()
        .starts_with(lit("pc-1"))
        .fill_null(lit(false));
    let second = col("Timestamp").gt(lit(17_145_216_000_000_000i64 + 10 * 10_000_000));
    let conditions = vec![
        Condition {
            expr: port.clone(),
            key: None,
        },
        Condition {
            expr: name.clone(),
            key: None,
        },
        Condition {
            expr: second.clone(),
            key: None,
        },
    ];
    let got = lazy
        .scan_where("DeviceNetworkEvents", conditions)
        .unwrap()
        .collect()
        .unwrap();
    let want = full
        .scan("DeviceNetworkEvents")
        .unwrap()
        .filter(port.and(name).and(second))
        .collect()
        .unwrap();
    // Rows 1080, 1180, ..., 1980 and 10080 ... 19980 with i % 60 > 10: counted by hand below.
    let expected = (0..ROWS)
        .filter(|i| i % 1000 == 80 && format!("pc-{i}").starts_with("pc-1") && i % 60 > 10)
        .count();
    assert!(expected > 0);
    assert_eq!(got.height(), expected);
    assert!(got.equals_missing(&want));
}

#[test]
fn a_malformed_row_past_the_sample_is_an_error_of_the_read_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    write_events(tmp.path(), |i, line| {
        if i == 26_000 {
            line.replace("\n", ",extra\n")
        } else {
            line
        }
    });
    let lazy = Catalog::open(tmp.path()).unwrap();
    let err = lazy
        .scan("DeviceNetworkEvents")
        .unwrap()
        .collect()
        .unwrap_err()
        .to_string();
    assert!(err.contains("DeviceNetworkEvents.csv:26003"), "{err}");
    assert!(err.contains("row has 5 fields, the header has 4"), "{err}");
    match Catalog::open_with(tmp.path(), &eager()) {
        Err(DataError::Malformed { line, .. }) => assert_eq!(line, 26_003),
        other => panic!("expected a malformed-row error, got {other:?}"),
    }
}

/// A `"` inside an unquoted field past the sample: the parallel reader leaves the file to the sequential one,
/// which reads it as opening the catalog in full does, and says where an unreadable value is.
#[test]
fn quirky_input_past_the_sample_is_read_by_the_sequential_reader() {
    let tmp = tempfile::tempdir().unwrap();
    write_events(tmp.path(), |i, line| match i {
        27_000 => line.replace("pc-27000", "pc\"27000"),
        28_000 => line.replace(",0,", ",eighty,"),
        _ => line,
    });
    let lazy = Catalog::open(tmp.path()).unwrap();
    let full = Catalog::open_with(tmp.path(), &eager()).unwrap();
    let df = frame(&lazy);
    assert!(df.equals_missing(&frame(&full)));
    let names = df.column("DeviceName").unwrap().str().unwrap().clone();
    assert_eq!(names.get(27_000), Some("pc\"27000"));
    assert_eq!(names.get(26_999), Some("pc-26999"));
    let read = lazy.warnings();
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(read[0].column.as_deref(), Some("RemotePort"));
    assert_eq!(read[0].line, Some(28_003));
    assert_eq!(read, full.warnings());
}
