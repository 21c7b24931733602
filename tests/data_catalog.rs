//! The catalog over small hand-written fixtures (`tests/fixtures/data/`), plus Parquet written here and bad
//! inputs made in temporary folders. Expected tick values were computed independently (Python `datetime`,
//! see the comments), not taken from the loader.

use std::path::{Path, PathBuf};

use huntbench::data::types::polars_dtype;
use huntbench::data::{Catalog, DataError, TableProvider};
use huntbench::kql::ScalarType;
use polars::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data")
}

/// A copy of the fixtures in a temporary folder, so tests can add files.
fn fixture_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures(), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn collect(cat: &Catalog, table: &str) -> DataFrame {
    cat.scan(table).unwrap().collect().unwrap()
}

fn longs(df: &DataFrame, c: &str) -> Vec<Option<i64>> {
    df.column(c).unwrap().i64().unwrap().iter().collect()
}

fn ints(df: &DataFrame, c: &str) -> Vec<Option<i32>> {
    df.column(c).unwrap().i32().unwrap().iter().collect()
}

fn strs(df: &DataFrame, c: &str) -> Vec<Option<String>> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

fn bools(df: &DataFrame, c: &str) -> Vec<Option<bool>> {
    df.column(c).unwrap().bool().unwrap().iter().collect()
}

fn reals(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// Every column of a collected scan has the polars type of its KQL type.
fn assert_representation(cat: &Catalog, table: &str, df: &DataFrame) {
    let schema = cat.schema(table).unwrap();
    assert_eq!(df.width(), schema.len(), "{table}");
    for (name, ty) in &schema {
        assert_eq!(
            df.column(name).unwrap().dtype(),
            &polars_dtype(*ty),
            "{table}.{name}"
        );
    }
}

#[test]
fn csv_of_a_known_table() {
    let cat = Catalog::open(fixtures()).unwrap();
    assert_eq!(cat.row_count("DeviceFileCertificateInfo"), Some(3));
    let schema = cat.schema("DeviceFileCertificateInfo").unwrap();
    // The 18 documented columns in doc order, then the extra TenantId, then the TimeGenerated alias.
    assert_eq!(schema.len(), 20);
    assert_eq!(schema[0], ("Timestamp".to_string(), ScalarType::DateTime));
    assert_eq!(schema[17], ("ReportId".to_string(), ScalarType::Long));
    assert_eq!(schema[18], ("TenantId".to_string(), ScalarType::String));
    assert_eq!(
        schema[19],
        ("TimeGenerated".to_string(), ScalarType::DateTime)
    );

    let df = collect(&cat, "DeviceFileCertificateInfo");
    assert_representation(&cat, "DeviceFileCertificateInfo", &df);
    assert_eq!(df.height(), 3);
    // 2024-03-26T09:39:50.7688641Z, 2024-03-26T10:00:00Z, 2024-03-27 23:59:59.9999999 (no zone = UTC).
    let ts = vec![
        Some(17114459907688641),
        Some(17114472000000000),
        Some(17115839999999999),
    ];
    assert_eq!(longs(&df, "Timestamp"), ts);
    assert_eq!(longs(&df, "TimeGenerated"), ts);
    assert_eq!(
        strs(&df, "Signer"),
        vec![
            s("Nanosystems S.r.l."),
            s("Zoom Video Communications, Inc."),
            s("Signer with \"quotes\"\nand a second line")
        ]
    );
    assert_eq!(
        bools(&df, "IsSigned"),
        vec![Some(true), Some(true), Some(false)]
    );
    assert_eq!(
        bools(&df, "IsRootSignerMicrosoft"),
        vec![Some(false), Some(false), Some(false)]
    );
    // 2024-03-01T08:00:00Z
    assert_eq!(
        longs(&df, "CertificateCountersignatureTime"),
        vec![None, Some(17092800000000000), None]
    );
    assert_eq!(
        longs(&df, "ReportId"),
        vec![Some(48213), Some(48214), Some(7)]
    );
    assert_eq!(
        strs(&df, "CrlDistributionPointUrls")[0],
        s(
            "[\"http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl\",\"http://crl4.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl\"]"
        )
    );
    // Documented columns missing from the file: "" for strings, null otherwise; strings are never null.
    assert_eq!(strs(&df, "SignerHash"), vec![s(""), s(""), s("")]);
    assert_eq!(
        strs(&df, "SignatureType"),
        vec![s("Embedded"), s("Catalog"), s("")]
    );
    assert_eq!(
        longs(&df, "CertificateCreationTime"),
        vec![None, None, None]
    );
    assert_eq!(strs(&df, "TenantId")[2], s(""));
}

#[test]
fn json_array_of_objects() {
    let cat = Catalog::open(fixtures()).unwrap();
    let df = collect(&cat, "DeviceNetworkEvents");
    assert_representation(&cat, "DeviceNetworkEvents", &df);
    assert_eq!(df.height(), 2);
    // 2024-05-01T12:34:56.789Z
    assert_eq!(longs(&df, "Timestamp")[0], Some(17145668967890000));
    assert_eq!(ints(&df, "RemotePort"), vec![Some(443), Some(445)]);
    assert_eq!(
        strs(&df, "RemoteUrl"),
        vec![s("www.supremocontrol.com"), s("")]
    );
    assert_eq!(
        strs(&df, "AdditionalFields"),
        vec![s("{\"direction\":\"out\"}"), s("")]
    );
    assert_eq!(
        bools(&df, "IsInitiatingProcessRemoteSession"),
        vec![None, Some(false)]
    );
    assert_eq!(longs(&df, "ReportId"), vec![Some(530931), Some(530932)]);
}

#[test]
fn json_lines_streaming_records() {
    let cat = Catalog::open(fixtures()).unwrap();
    assert_eq!(cat.row_count("DeviceProcessEvents"), Some(2));
    let df = collect(&cat, "DeviceProcessEvents");
    assert_representation(&cat, "DeviceProcessEvents", &df);
    // properties.Timestamp 2026-07-18T17:00:30.754549Z; the second record's is unreadable.
    assert_eq!(longs(&df, "Timestamp"), vec![Some(17843940307545490), None]);
    assert_eq!(longs(&df, "ProcessId"), vec![Some(4242), None]);
    assert_eq!(strs(&df, "FileName"), vec![s("client32.exe"), s("cmd.exe")]);
    assert_eq!(strs(&df, "MachineGroup"), vec![s("main"), s("")]);
    // The unreadable values are reported with file, line and column, not silently dropped.
    let w: Vec<String> = cat.warnings().iter().map(|w| w.to_string()).collect();
    let ts = cat
        .warnings()
        .into_iter()
        .find(|w| {
            w.file.ends_with("DeviceProcessEvents.jsonl")
                && w.column.as_deref() == Some("Timestamp")
        })
        .unwrap_or_else(|| panic!("no Timestamp warning in {w:?}"));
    assert_eq!(ts.line, Some(3));
    assert_eq!(ts.count, 1);
    assert!(
        ts.to_string()
            .contains("DeviceProcessEvents.jsonl:3: column Timestamp:"),
        "{ts}"
    );
    assert!(
        cat.warnings()
            .iter()
            .any(|w| w.file.ends_with("DeviceProcessEvents.jsonl")
                && w.column.as_deref() == Some("ProcessId"))
    );
}

#[test]
fn folder_of_parts() {
    let cat = Catalog::open(fixtures()).unwrap();
    assert_eq!(cat.row_count("DeviceInfo"), Some(3));
    let info = cat
        .tables()
        .into_iter()
        .find(|t| t.name == "DeviceInfo")
        .unwrap();
    assert_eq!(info.files.len(), 2);
    assert!(info.known);
    let df = collect(&cat, "DeviceInfo");
    assert_representation(&cat, "DeviceInfo", &df);
    assert_eq!(strs(&df, "DeviceName")[2], s("ws-hr-0007.contoso.local"));
    // Columns are matched by name, not position; the second part's order differs.
    assert_eq!(
        longs(&df, "OSBuild"),
        vec![Some(22631), Some(20348), Some(19045)]
    );
    assert_eq!(
        strs(&df, "OSPlatform"),
        vec![s("Windows11"), s("WindowsServer2022"), s("")]
    );
    assert_eq!(
        bools(&df, "IsAzureADJoined"),
        vec![Some(true), Some(false), None]
    );
    assert_eq!(
        strs(&df, "MachineGroup"),
        vec![s(""), s(""), s("UnassignedGroup")]
    );
    // 2024-06-01T00:00:00Z twice, then 2024-06-02T06:30:00+02:00 = 2024-06-02T04:30:00Z.
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![
            Some(17172000000000000),
            Some(17172000000000000),
            Some(17173026000000000)
        ]
    );
}

#[test]
fn csv_of_an_unknown_table_is_inferred() {
    let cat = Catalog::open(fixtures()).unwrap();
    let schema = cat.schema("Inventory").unwrap();
    let expected: Vec<(String, ScalarType)> = [
        ("TimeGenerated", ScalarType::DateTime),
        ("Host", ScalarType::String),
        ("Count", ScalarType::Long),
        ("Ratio", ScalarType::Real),
        ("Enabled", ScalarType::Bool),
        ("Note", ScalarType::String),
        ("Timestamp", ScalarType::DateTime),
    ]
    .iter()
    .map(|(n, t)| (n.to_string(), *t))
    .collect();
    assert_eq!(schema, expected);
    let df = collect(&cat, "Inventory");
    assert_representation(&cat, "Inventory", &df);
    assert_eq!(longs(&df, "Count"), vec![Some(1), Some(22), None]);
    assert_eq!(reals(&df, "Ratio"), vec![Some(0.5), Some(1.0), Some(2.25)]);
    assert_eq!(bools(&df, "Enabled"), vec![Some(true), Some(false), None]);
    assert_eq!(strs(&df, "Note"), vec![s("first"), s(""), s("x, y")]);
    // 2024-01-01T00:00:00Z, 2024-01-02T00:00:00Z; Timestamp stands for TimeGenerated.
    let ts = vec![Some(17040672000000000), Some(17041536000000000), None];
    assert_eq!(longs(&df, "TimeGenerated"), ts);
    assert_eq!(longs(&df, "Timestamp"), ts);
}

#[test]
fn parquet_known_and_unknown() {
    let tmp = fixture_copy();
    // A documented table: microsecond datetimes, typed columns, a column stored as text.
    let ts_us: Vec<i64> = vec![1_714_566_896_789_000, 1_714_566_900_000_000]; // 2024-05-01T12:34:56.789Z, 12:35:00Z
    let mut df = DataFrame::new_infer_height(vec![
        Int64Chunked::new("Timestamp".into(), &ts_us)
            .into_datetime(TimeUnit::Microseconds, None)
            .into_column(),
        Column::new(
            "DeviceName".into(),
            &["ws-fin-0042.contoso.local", "ws-hr-0007.contoso.local"],
        ),
        Column::new("FileName".into(), &[Some("ntdll.dll"), None]),
        Column::new("ReportId".into(), &["17", "18"]),
        Column::new("FileSize".into(), &[1_000i32, 2_000]),
    ])
    .unwrap();
    let f = std::fs::File::create(tmp.path().join("DeviceImageLoadEvents.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
    // An unknown table: its own types.
    let mut other = DataFrame::new_infer_height(vec![
        Column::new("n".into(), &[1i32, 2]),
        Column::new("big".into(), &[5i64, 6]),
        Column::new("x".into(), &[0.25f64, 0.5]),
        Column::new("ok".into(), &[true, false]),
        Column::new("name".into(), &[Some("a"), None]),
        Int64Chunked::new("when".into(), &[0i64, 1_000])
            .into_datetime(TimeUnit::Nanoseconds, None)
            .into_column(),
    ])
    .unwrap();
    let f = std::fs::File::create(tmp.path().join("Metrics.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut other).unwrap();

    let cat = Catalog::open(tmp.path()).unwrap();
    assert_eq!(cat.row_count("DeviceImageLoadEvents"), Some(2));
    let df = collect(&cat, "DeviceImageLoadEvents");
    assert_representation(&cat, "DeviceImageLoadEvents", &df);
    // 1 µs = 10 ticks.
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![Some(17145668967890000), Some(17145669000000000)]
    );
    assert_eq!(strs(&df, "FileName"), vec![s("ntdll.dll"), s("")]);
    assert_eq!(longs(&df, "ReportId"), vec![Some(17), Some(18)]);
    assert_eq!(longs(&df, "FileSize"), vec![Some(1000), Some(2000)]);
    assert_eq!(strs(&df, "SHA1"), vec![s(""), s("")]);

    let schema = cat.schema("Metrics").unwrap();
    let types: Vec<ScalarType> = schema.iter().map(|(_, t)| *t).collect();
    assert_eq!(
        types,
        vec![
            ScalarType::Int,
            ScalarType::Long,
            ScalarType::Real,
            ScalarType::Bool,
            ScalarType::String,
            ScalarType::DateTime
        ]
    );
    let df = collect(&cat, "Metrics");
    assert_representation(&cat, "Metrics", &df);
    assert_eq!(strs(&df, "name"), vec![s("a"), s("")]);
    // 1000 ns = 10 ticks.
    assert_eq!(longs(&df, "when"), vec![Some(0), Some(10)]);
}

#[test]
fn scans_are_lazy_and_projectable() {
    let tmp = fixture_copy();
    let cat = Catalog::open(tmp.path()).unwrap();
    // Only the needed columns: a projection of a wide table works and yields just that column.
    let df = cat
        .scan("DeviceFileCertificateInfo")
        .unwrap()
        .select([col("DeviceName")])
        .collect()
        .unwrap();
    assert_eq!(df.width(), 1);
    assert_eq!(df.height(), 3);
    // Nothing is read until collect: the files can vanish after the plan is made, and only collect fails.
    let lf = cat.scan("DeviceFileCertificateInfo").unwrap();
    let lf_json = cat.scan("DeviceNetworkEvents").unwrap();
    std::fs::remove_file(tmp.path().join("DeviceFileCertificateInfo.csv")).unwrap();
    std::fs::remove_file(tmp.path().join("DeviceNetworkEvents.json")).unwrap();
    assert!(lf.collect().is_err());
    assert!(lf_json.collect().is_err());
}

#[test]
fn schema_only_catalog() {
    let cat = Catalog::schema_only();
    assert_eq!(
        cat.table_names().len(),
        27,
        "the Device* tables and the 17 of defender_tables_more.json"
    );
    let schema = cat.schema("DeviceInfo").unwrap();
    assert_eq!(
        schema.len(),
        41,
        "40 documented columns and the TimeGenerated alias"
    );
    let df = collect(&cat, "DeviceInfo");
    assert_eq!(df.height(), 0);
    assert_representation(&cat, "DeviceInfo", &df);
    assert!(cat.scan("NoSuchTable").is_err());
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn missing_folder() {
    let err = Catalog::open("/no/such/folder/for/huntbench").unwrap_err();
    assert!(matches!(err, DataError::MissingFolder(_)));
    assert_eq!(
        err.to_string(),
        "data folder '/no/such/folder/for/huntbench' does not exist; pass --data DIR or run `huntbench sample generate --out /no/such/folder/for/huntbench`"
    );
}

#[test]
fn empty_file() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "DeviceInfo.csv", "");
    let err = Catalog::open(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("DeviceInfo.csv") && err.contains("empty"),
        "{err}"
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Events.json", "  \n");
    let err = Catalog::open(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("Events.json") && err.contains("empty"),
        "{err}"
    );
}

#[test]
fn malformed_csv_row_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Bad.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
    let err = Catalog::open(tmp.path()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, DataError::Malformed { line: 3, .. }), "{msg}");
    assert!(
        msg.contains("Bad.csv:3:") && msg.contains("2 fields") && msg.contains("header has 3"),
        "{msg}"
    );

    // A quoted field that spans lines does not shift the line numbers of later rows.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Bad.csv", "a,b\n1,\"two\nlines\"\n3,4,5\n");
    let msg = Catalog::open(tmp.path()).unwrap_err().to_string();
    assert!(msg.contains("Bad.csv:4:"), "{msg}");

    // An unterminated quote is reported where it opens.
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "Bad.csv", "a,b\n1,2\n3,\"never closed\n5,6\n");
    let msg = Catalog::open(tmp.path()).unwrap_err().to_string();
    assert!(
        msg.contains("Bad.csv:3:") && msg.contains("unterminated"),
        "{msg}"
    );
}

#[test]
fn bad_timestamps_are_counted_in_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId,DeviceName,OSBuild\n\
         2024-06-01T00:00:00Z,a,x,1\n\
         yesterday,b,y,2\n\
         2024-06-01T00:00:00Z,c,z,3\n\
         13/13/2024 3:40 pm,d,w,four\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert_eq!(cat.row_count("DeviceInfo"), Some(4));
    let ts = cat
        .warnings()
        .into_iter()
        .find(|w| w.column.as_deref() == Some("Timestamp"))
        .expect("a Timestamp warning");
    assert_eq!(ts.count, 2);
    assert_eq!(ts.line, Some(3));
    let text = ts.to_string();
    assert!(
        text.contains("DeviceInfo.csv:3: column Timestamp: 2 values cannot be read as datetime"),
        "{text}"
    );
    assert!(text.contains("line 5"), "{text}");
    let build = cat
        .warnings()
        .into_iter()
        .find(|w| w.column.as_deref() == Some("OSBuild"))
        .expect("an OSBuild warning");
    assert_eq!((build.count, build.line), (1, Some(5)));
    // The rows are kept; the unreadable values are null.
    let df = collect(&cat, "DeviceInfo");
    assert_eq!(
        longs(&df, "Timestamp"),
        vec![Some(17172000000000000), None, Some(17172000000000000), None]
    );
    assert_eq!(longs(&df, "OSBuild"), vec![Some(1), Some(2), Some(3), None]);
}

#[test]
fn duplicate_tables_and_case() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "DeviceInfo.csv",
        "Timestamp,DeviceId\n2024-06-01T00:00:00Z,a\n",
    );
    write(
        tmp.path(),
        "DeviceInfo.jsonl",
        "{\"Timestamp\":\"2024-06-01T00:00:00Z\",\"DeviceId\":\"a\"}\n",
    );
    let err = Catalog::open(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("DeviceInfo") && err.contains("twice"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "deviceinfo.csv",
        "Timestamp,DeviceId\n2024-06-01T00:00:00Z,a\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert_eq!(cat.table_names(), vec!["DeviceInfo".to_string()]);
    assert!(
        cat.warnings()
            .iter()
            .any(|w| w.message.contains("DeviceInfo"))
    );
}

#[test]
fn api_result_shapes() {
    let tmp = tempfile::tempdir().unwrap();
    // Advanced Hunting API: {Schema, Results}; the declared types type an unknown table.
    write(
        tmp.path(),
        "Hunt.json",
        r#"{"Stats":{},"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"Count","Type":"Int64"},{"Name":"Note","Type":"String"}],
            "Results":[{"Timestamp":"2020-08-30T06:38:35.7664356Z","Count":3,"Note":"x"},{"Timestamp":"2020-08-30T06:38:36Z","Count":"4"}]}"#,
    );
    // Log Analytics: {tables:[{columns, rows}]}.
    write(
        tmp.path(),
        "La.json",
        r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"ReportId","type":"long"},{"name":"AdditionalFields","type":"dynamic"}],
            "rows":[["2024-05-01T12:34:56.789Z",48213,"{\"Command\":\"Get-Process\"}"]]}]}"#,
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    let df = collect(&cat, "Hunt");
    assert_representation(&cat, "Hunt", &df);
    // 2020-08-30T06:38:35.7664356Z
    assert_eq!(longs(&df, "Timestamp")[0], Some(15987695157664356));
    assert_eq!(longs(&df, "Count"), vec![Some(3), Some(4)]);
    assert_eq!(strs(&df, "Note"), vec![s("x"), s("")]);
    let df = collect(&cat, "La");
    assert_representation(&cat, "La", &df);
    assert_eq!(
        cat.schema("La").unwrap()[2],
        ("AdditionalFields".to_string(), ScalarType::Dynamic)
    );
    assert_eq!(
        strs(&df, "AdditionalFields"),
        vec![s("{\"Command\":\"Get-Process\"}")]
    );
    assert_eq!(longs(&df, "Timestamp"), vec![Some(17145668967890000)]);
}

#[test]
fn csv_quirks_agree_with_the_row_count() {
    let tmp = tempfile::tempdir().unwrap();
    // UTF-8 BOM, CRLF, a blank line, a quoted empty field, a bare quote inside an unquoted field, a header
    // with the Sentinel " [UTC]" suffix.
    write(
        tmp.path(),
        "Quirks.csv",
        "\u{feff}\"TimeGenerated [UTC]\",Name,Value\r\n2024-01-01T00:00:00Z,a\"b,1\r\n\r\n2024-01-02T00:00:00Z,\"\",2\r\n",
    );
    let cat = Catalog::open(tmp.path()).unwrap();
    assert_eq!(cat.row_count("Quirks"), Some(2));
    let schema = cat.schema("Quirks").unwrap();
    assert_eq!(
        schema[0],
        ("TimeGenerated".to_string(), ScalarType::DateTime)
    );
    let df = collect(&cat, "Quirks");
    assert_eq!(df.height(), 2);
    assert_eq!(strs(&df, "Name"), vec![s("a\"b"), s("")]);
    assert_eq!(longs(&df, "Value"), vec![Some(1), Some(2)]);
    assert_eq!(
        longs(&df, "TimeGenerated"),
        vec![Some(17040672000000000), Some(17041536000000000)]
    );
}
