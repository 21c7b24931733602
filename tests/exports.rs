//! Real export shapes (`/work/shared/reference/EXPORTS.md`) load to the same typed table as a clean CSV.
//!
//! `tests/fixtures/exports/<shape>/DeviceProcessEvents.*` hold the same three rows in each shape, written
//! from the documented shapes with their awkward cases (BOM, CRLF, doubled and tripled quotes, commas and a
//! line break inside quoted fields, JSON-bearing columns, ISO with 0–7 fraction digits and offsets, portal
//! locale forms in local time, Sentinel `[Local Time]` / `[UTC]` header suffixes, API JSON wrappers with
//! either key casing, streaming records). The expected tick values were computed with Python `datetime`
//! from the UTC instants the fixtures were written from, not taken from the loader.

use std::path::{Path, PathBuf};

use huntbench::data::catalog::LoadOptions;
use huntbench::data::time::DateOrder;
use huntbench::data::{Catalog, DataError, TableProvider};
use polars::prelude::*;

const TABLE: &str = "DeviceProcessEvents";

fn fixture(shape: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/exports")
        .join(shape)
}

fn tz(minutes: i32) -> LoadOptions {
    LoadOptions {
        tz: Some(huntbench::data::time::Zone::Fixed(minutes)),
        ..Default::default()
    }
}

fn zone(name: &str) -> LoadOptions {
    LoadOptions::from_args(Some(name), None, false).unwrap()
}

fn load(shape: &str, opts: &LoadOptions) -> (Catalog, DataFrame) {
    let cat = Catalog::open_with(fixture(shape), opts).unwrap_or_else(|e| panic!("{shape}: {e}"));
    let df = cat
        .scan(TABLE)
        .and_then(|lf| lf.collect().map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{shape}: {e}"));
    (cat, df)
}

fn longs(df: &DataFrame, c: &str) -> Vec<Option<i64>> {
    df.column(c).unwrap().i64().unwrap().iter().collect()
}

fn strs(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap_or("<null>").to_string())
        .collect()
}

/// The clean CSV, checked against independently computed values.
fn clean() -> DataFrame {
    let (cat, df) = load("clean", &LoadOptions::default());
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    // Python: (datetime(2024,5,1,12,34,56,789000,utc) - epoch) // timedelta(microseconds=1) * 10, etc.
    let ts = vec![
        Some(17_145_668_967_890_000),
        Some(17_103_120_139_880_000),
        Some(17_155_320_851_230_000),
    ];
    assert_eq!(longs(&df, "Timestamp"), ts);
    assert_eq!(longs(&df, "TimeGenerated"), ts);
    assert_eq!(
        longs(&df, "ProcessCreationTime"),
        vec![
            Some(17_145_668_950_010_000),
            None,
            Some(17_155_320_840_000_000)
        ]
    );
    assert_eq!(
        longs(&df, "ReportId"),
        vec![Some(48213), Some(45720), Some(9_007_199_254_740_993)]
    );
    assert_eq!(
        strs(&df, "ProcessCommandLine"),
        vec![
            "powershell.exe -NoP -C \"Get-Process, Get-Service\"",
            "cmd.exe /c echo \"a, b\"",
            "AteraAgent.exe\n--install"
        ]
    );
    assert_eq!(
        strs(&df, "ProcessVersionInfoOriginalFileName"),
        vec!["\"PowerShell.EXE\"", "", "AteraAgent.exe"]
    );
    assert_eq!(
        strs(&df, "AdditionalFields")[0],
        r#"{"Command":"Get-Process","Args":["a,b","c \"d\""]}"#
    );
    let remote: Vec<Option<bool>> = df
        .column("IsProcessRemoteSession")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(remote, vec![Some(false), Some(true), Some(false)]);
    df
}

fn assert_same(shape: &str, opts: &LoadOptions, expected: &DataFrame) -> Catalog {
    let (cat, df) = load(shape, opts);
    assert_eq!(df.schema(), expected.schema(), "{shape}: schema");
    for c in expected.get_column_names() {
        let a = df.column(c.as_str()).unwrap();
        let b = expected.column(c.as_str()).unwrap();
        assert!(
            a.as_materialized_series()
                .equals_missing(b.as_materialized_series()),
            "{shape}: column {c}: {a:?} vs {b:?}"
        );
    }
    cat
}

#[test]
fn portal_csv_shapes_load_as_the_clean_csv() {
    let expected = clean();
    for (shape, opts) in [
        // UTC portal setting: BOM, CRLF, ISO with 7/3/2 fraction digits, Z, +09:00 and -0530, True/FALSE.
        ("portal_iso", LoadOptions::default()),
        // en-US browser, portal in local time UTC+2: `5/1/2024, 2:34:56.789 PM`.
        ("portal_us_local", tz(120)),
        // Day-first locale, portal in UTC+9: `13/03/2024, 3:40:13.988 pm` proves the order.
        ("portal_gb_local", tz(540)),
        // `May 7, 2024 6:41:33 PM` and `May 12, 2024 16:41:25.123`, UTC.
        ("portal_month_names", LoadOptions::default()),
        // Sentinel export: `"TimeGenerated [Local Time]"`, `"Timestamp [Local Time]"`, UTC+2.
        ("sentinel_local", tz(120)),
        // Sentinel export with `[UTC]`: the suffix wins over --tz.
        ("sentinel_utc", tz(300)),
        // en-US portal in Europe/Berlin: +01:00 for the March row, +02:00 (summer time) for the May rows.
        ("portal_berlin_local", zone("Europe/Berlin")),
    ] {
        let cat = assert_same(shape, &opts, &expected);
        assert!(cat.warnings().is_empty(), "{shape}: {:?}", cat.warnings());
    }
}

#[test]
fn api_json_shapes_load_as_the_clean_csv() {
    let expected = clean();
    for shape in [
        "ahjson",         // {Stats, Schema:[{Name,Type}], Results}, .NET type names
        "graphjson",      // {@odata.context, schema:[{name,type}], results}, dynamic as JSON text
        "graphjson_caps", // schema:[{Name,Type}]
        "lajson",         // {tables:[{name, columns, rows}]}, TimeGenerated only, kusto type names
        "adxv1", // {Tables:[{TableName, Columns:[{ColumnName,DataType,ColumnType}], Rows}, ...]}
        "streaming", // JSON lines (CRLF) of {category: AdvancedHunting-…, properties}
    ] {
        let cat = assert_same(shape, &LoadOptions::default(), &expected);
        assert!(cat.warnings().is_empty(), "{shape}: {:?}", cat.warnings());
    }
}

#[test]
fn local_time_without_tz_is_read_as_utc_and_said() {
    let (cat, df) = load("sentinel_local", &LoadOptions::default());
    // 5/1/2024, 2:34:56.789 PM read as UTC: two hours later than the true instant.
    assert_eq!(
        longs(&df, "Timestamp")[0],
        Some(17_145_668_967_890_000 + 2 * 36_000_000_000)
    );
    let w = cat
        .warnings()
        .into_iter()
        .find(|w| w.message.contains("local time"))
        .unwrap_or_else(|| panic!("no local-time warning: {:?}", cat.warnings()));
    assert!(w.message.contains("--tz"), "{w}");
    assert!(w.message.contains("TimeGenerated"), "{w}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn ambiguous_day_month_order_warns_and_option_decides() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId\r\n05/12/2024 18:41:25.123,a\r\n05/01/2024 06:00:00,b\r\n",
    );
    // No order given and none proven: month first, with a warning naming the option.
    let cat = Catalog::open(tmp.path()).unwrap();
    let df = cat.scan("DeviceInfo").unwrap().collect().unwrap();
    // 2024-05-12T18:41:25.123Z, 2024-05-01T06:00:00Z (Python datetime).
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![Some(17_155_392_851_230_000), Some(17_145_432_000_000_000)]
    );
    let w = cat
        .warnings()
        .into_iter()
        .find(|w| w.message.contains("ambiguous"))
        .unwrap_or_else(|| panic!("no ambiguity warning: {:?}", cat.warnings()));
    assert!(w.message.contains("--date-order"), "{w}");
    assert_eq!(w.count, 2);
    // --date-order dmy: 5 December and 5 January; no warning.
    let opts = LoadOptions {
        date_order: Some(DateOrder::Dmy),
        ..Default::default()
    };
    let cat = Catalog::open_with(tmp.path(), &opts).unwrap();
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    let df = cat.scan("DeviceInfo").unwrap().collect().unwrap();
    // 2024-12-05T18:41:25.123Z, 2024-01-05T06:00:00Z.
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![Some(17_334_240_851_230_000), Some(17_044_344_000_000_000)]
    );
}

#[test]
fn a_day_above_twelve_proves_day_first() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId\n05/12/2024 18:41:25,a\n13/03/2024 03:40:13,b\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    let df = cat.scan("DeviceInfo").unwrap().collect().unwrap();
    // 2024-12-05T18:41:25Z, 2024-03-13T03:40:13Z.
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![Some(17_334_240_850_000_000), Some(17_103_012_130_000_000)]
    );
    // Both orders in one file: a warning (month first), an error with --strict.
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId\n12/31/2024 18:41:25,a\n13/03/2024 03:40:13,b\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert!(
        cat.warnings()
            .iter()
            .any(|w| w.message.contains("both orders")),
        "{:?}",
        cat.warnings()
    );
    let strict = LoadOptions {
        strict: true,
        ..Default::default()
    };
    assert!(matches!(
        Catalog::open_with(tmp.path(), &strict),
        Err(DataError::Malformed { line: 3, .. })
    ));
}

#[test]
fn strict_turns_unreadable_values_into_errors() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId,OSBuild\n2024-01-01T00:00:00Z,a,1\n2024-01-01T00:00:00Z,b,many\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert_eq!(cat.warnings().len(), 1, "{:?}", cat.warnings());
    let strict = LoadOptions {
        strict: true,
        ..Default::default()
    };
    let err = Catalog::open_with(tmp.path(), &strict).unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with(
            "DeviceInfo.csv:3: column OSBuild: \"many\" cannot be read as long (--strict)"
        ),
        "{text}"
    );
    // JSON lines: the line of the record.
    std::fs::remove_file(tmp.path().join("DeviceInfo.csv")).unwrap();
    write(
        tmp.path(),
        "DeviceInfo.jsonl",
        "{\"Timestamp\":\"2024-01-01T00:00:00Z\",\"DeviceId\":\"a\"}\n\n{\"Timestamp\":\"soon\",\"DeviceId\":\"b\"}\n",
    );
    let err = Catalog::open_with(tmp.path(), &strict).unwrap_err();
    assert!(
        err.to_string()
            .contains("DeviceInfo.jsonl:3: column Timestamp"),
        "{err}"
    );
    // An API result: the record number.
    std::fs::remove_file(tmp.path().join("DeviceInfo.jsonl")).unwrap();
    write(
        tmp.path(),
        "DeviceInfo.json",
        r#"{"Schema":[{"Name":"Timestamp","Type":"DateTime"}],"Results":[{"Timestamp":"2024-01-01T00:00:00Z"},{"Timestamp":"x"}]}"#,
    );
    let err = Catalog::open_with(tmp.path(), &strict).unwrap_err();
    assert!(
        err.to_string().contains("record 2: column Timestamp"),
        "{err}"
    );
}

#[test]
fn dynamic_columns_as_json_values_or_strings() {
    // An undocumented table: declared types (any casing) are used; a dynamic value may be JSON or a string
    // holding JSON, and reads as the same JSON text.
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "Custom.json",
        r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"When","type":"DATETIME"},{"name":"N","type":"Int32"},{"name":"Bag","type":"dynamic"},{"name":"Ok","type":"Boolean"},{"name":"X","type":"Double"}],
            "rows":[["2024-05-01T12:34:56.789Z",1,{"a":[1,2]},true,0.5],["2024-05-01T12:34:56Z","2","{\"a\":[1,2]}","False","1e3"]]}]}"#,
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    let schema = cat.schema("Custom").unwrap();
    use huntbench::kql::ScalarType as T;
    assert_eq!(
        schema,
        vec![
            ("When".to_string(), T::DateTime),
            ("N".to_string(), T::Int),
            ("Bag".to_string(), T::Dynamic),
            ("Ok".to_string(), T::Bool),
            ("X".to_string(), T::Real),
        ]
    );
    let df = cat.scan("Custom").unwrap().collect().unwrap();
    assert_eq!(strs(&df, "Bag"), vec![r#"{"a":[1,2]}"#, r#"{"a":[1,2]}"#]);
    assert_eq!(
        longs(&df, "When"),
        vec![Some(17_145_668_967_890_000), Some(17_145_668_960_000_000)]
    );
}

#[test]
fn files_summarise_shape_rows_types_and_time_range() {
    let cat = Catalog::open_with(fixture("portal_gb_local"), &tz(540)).unwrap();
    let files = cat.files();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.table, TABLE);
    assert_eq!(f.format, "csv");
    assert_eq!(f.rows, 3);
    assert_eq!(f.zone, "+09:00");
    assert_eq!(f.date_order, Some(DateOrder::Dmy));
    assert_eq!(
        f.time_range,
        Some((17_103_120_139_880_000, 17_155_320_851_230_000))
    );
    assert!(
        f.columns
            .iter()
            .any(|(n, t)| n == "ReportId" && *t == huntbench::kql::ScalarType::Long)
    );
    // One file opened directly.
    let one = fixture("ahjson").join("DeviceProcessEvents.json");
    let cat = Catalog::open(&one).unwrap();
    let files = cat.files();
    assert_eq!(files[0].shape, "Advanced Hunting API {Schema, Results}");
    assert_eq!(files[0].rows, 3);
}

#[test]
fn data_inspect_reports_each_file() {
    use assert_cmd::Command;
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .args(["data", "inspect", "--tz", "+09:00"])
        .arg(fixture("portal_gb_local"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "DeviceProcessEvents.csv",
        "format:   csv (CSV)",
        "table:    DeviceProcessEvents",
        "rows:     3",
        // 13/03/2024, 3:40:13.988 pm at +09:00 .. 13/05/2024, 1:41:25.123 am at +09:00.
        "time:     2024-03-13T06:40:13.9880000Z .. 2024-05-12T16:41:25.1230000Z",
        "zone-less datetimes in +09:00, numeric dates dmy",
        "ReportId",
        "warnings: none",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Ambiguous dates without --date-order: the warning is shown for the file.
    let tmp = tempfile::tempdir().unwrap();
    let file = write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId\n05/12/2024 18:41:25,a\n",
    );
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .args(["data", "inspect"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warnings: 1"), "{text}");
    assert!(text.contains("--date-order"), "{text}");
    // --strict: an unreadable value fails with file:line; a bad option is a usage error.
    write(tmp.path(), "DeviceInfo.csv", "Timestamp,DeviceId\nsoon,a\n");
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .args(["data", "inspect", "--strict"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("DeviceInfo.csv:2: column Timestamp"),
        "{out:?}"
    );
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .args(["data", "inspect", "--tz", "Mars/Olympus"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn one_streaming_blob_with_several_tables() {
    // A Storage blob `PT1H.json` of streaming records from two tables, interleaved: each table is its own,
    // named by the records' `category`, not by the file.
    let cat = Catalog::open(fixture("streaming_mixed")).unwrap();
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    assert_eq!(
        cat.table_names(),
        vec!["DeviceFileCertificateInfo", "DeviceProcessEvents"]
    );
    assert_eq!(cat.row_count("DeviceFileCertificateInfo"), Some(2));
    assert_eq!(cat.row_count("DeviceProcessEvents"), Some(3));
    let expected = clean();
    assert_same("streaming_mixed", &LoadOptions::default(), &expected);
    let df = cat
        .scan("DeviceFileCertificateInfo")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(longs(&df, "ReportId"), vec![Some(45720), Some(45721)]);
    // 2026-07-18T17:00:30.754549Z (Python datetime).
    assert_eq!(longs(&df, "Timestamp")[0], Some(17_843_940_307_545_490));
}

/// `huntbench sample generate --format X` writes every table in an export shape; the five seed rules give
/// the same results over every shape as over the plain CSV.
#[test]
fn seed_rules_agree_over_every_sample_format() {
    use assert_cmd::Command;
    const SEEDS: &[&str] = &[
        "rmm_SupRemo_filesig.yaml",
        "rmm_SupRemo_netconn.yaml",
        "rmm_Action1_filesig.yaml",
        "rmm_NetSupport_filesig.yaml",
        "rmm_RemotePC_filesig.yaml",
    ];
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut baseline: Option<serde_json::Value> = None;
    for format in [
        "csv",
        "portal-csv",
        "ahjson",
        "graphjson",
        "lajson",
        "jsonl",
        "parquet",
    ] {
        let out_dir = tmp.path().join(format);
        let out = Command::cargo_bin("huntbench")
            .unwrap()
            .args([
                "sample",
                "generate",
                "--devices",
                "20",
                "--days",
                "7",
                "--rows-per-day",
                "50",
                "--format",
                format,
                "--out",
            ])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        let mut cmd = Command::cargo_bin("huntbench").unwrap();
        cmd.current_dir(repo).arg("run");
        for s in SEEDS {
            cmd.arg(format!("rules/{s}"));
        }
        let out = cmd
            .arg("--data")
            .arg(&out_dir)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = doc["results"].clone();
        assert_eq!(results.as_array().map(Vec::len), Some(SEEDS.len()));
        match &baseline {
            None => {
                let rows: usize = results
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["rows"].as_array().map_or(0, Vec::len))
                    .sum();
                assert!(rows > 0, "the seed rules find something: {results}");
                baseline = Some(results);
            }
            Some(b) => assert_eq!(&results, b, "{format}"),
        }
    }
}

#[test]
fn parquet_timestamps_as_micros_and_as_int96() {
    // Written by pyarrow (generate.py) as ADX `.export` and Spark write Parquet: datetime as INT64
    // TIMESTAMP_MICROS (UTC-adjusted) and as the legacy INT96; dynamic as a JSON string.
    let expected = clean();
    for shape in ["parquet_micros", "parquet_int96"] {
        let cat = assert_same(shape, &LoadOptions::default(), &expected);
        assert!(cat.warnings().is_empty(), "{shape}: {:?}", cat.warnings());
    }
}

/// The rows of `df` ordered by Timestamp, restricted to the clean file's columns.
fn by_time(df: &DataFrame, columns: &[PlSmallStr]) -> DataFrame {
    df.select(columns.iter().cloned())
        .unwrap()
        .sort(["Timestamp"], SortMultipleOptions::default())
        .unwrap()
}

#[test]
fn export_containers_partitioned_by_date_load_as_one_table() {
    // Log Analytics data export (`am-<Table>/WorkspaceResourceId=…/y=/m=/d=/h=/m=/PT05M.json`, JSON lines with
    // TimeGenerated, TenantId, Type…) and the Defender streaming API to storage
    // (`insights-logs-advancedhunting-<table>/tenantId=…/y=…/PT1H.json`): one file per time slice, read as
    // one table named by the container.
    let expected = clean();
    let names: Vec<PlSmallStr> = expected.get_column_names().into_iter().cloned().collect();
    let want = by_time(&expected, &names);
    for shape in ["la_export", "streaming_container"] {
        let (cat, df) = load(shape, &LoadOptions::default());
        assert!(cat.warnings().is_empty(), "{shape}: {:?}", cat.warnings());
        let t = cat.tables();
        assert_eq!(t.len(), 1, "{shape}: {t:?}");
        assert_eq!(t[0].rows, 3, "{shape}");
        let got = by_time(&df, &names);
        assert_eq!(got.schema(), want.schema(), "{shape}: schema");
        for c in &names {
            let a = got
                .column(c.as_str())
                .unwrap()
                .as_materialized_series()
                .clone();
            let b = want
                .column(c.as_str())
                .unwrap()
                .as_materialized_series()
                .clone();
            assert!(a.equals_missing(&b), "{shape}: column {c}: {a:?} vs {b:?}");
        }
    }
    // The Log Analytics columns stay available.
    let (_, df) = load("la_export", &LoadOptions::default());
    assert_eq!(strs(&df, "Type"), vec!["DeviceProcessEvents"; 3]);
}

#[test]
fn an_unknown_zone_name_is_refused_with_the_reason() {
    let e = LoadOptions::from_args(Some("Europe/Atlantis"), None, false).unwrap_err();
    assert!(e.contains("--tz") && e.contains("Europe/Atlantis"), "{e}");
}
