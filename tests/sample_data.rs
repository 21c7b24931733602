//! The sample-data generator: determinism, the committed `sample-data/` folder, cross-table consistency,
//! the planted events, and the seed rules' results computed without the engine (a plain re-implementation
//! of KQL `has`, KQL_SEMANTICS.md §4.1, over the generated CSV).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use huntbench::data::sample::{self, SampleParams};
use huntbench::data::schema::defender_table;
use huntbench::data::{Catalog, TableProvider};
use serde_json::Value;

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data")
}

// ---- an independent CSV reader (RFC 4180) ------------------------------------------------------------

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        &row[self.col(name)]
    }
}

fn load(dir: &Path, table: &str) -> Table {
    let text = std::fs::read_to_string(dir.join(format!("{table}.csv"))).unwrap();
    let mut rows = parse_csv(&text);
    let header = rows.remove(0);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), header.len(), "{table} row {i}");
    }
    Table { header, rows }
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

// ---- KQL `has` (KQL_SEMANTICS.md §4.1), written out plainly --------------------------------------------

fn is_alnum(c: char) -> bool {
    c.is_alphanumeric()
}

/// Case-insensitive `has`: the needle occurs and is not glued to more alphanumerics on either side.
fn kql_has(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let h: Vec<char> = haystack.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if n.len() > h.len() {
        return false;
    }
    for i in 0..=h.len() - n.len() {
        if h[i..i + n.len()] != n[..] {
            continue;
        }
        let left_ok = !is_alnum(n[0]) || i == 0 || !is_alnum(h[i - 1]);
        let j = i + n.len();
        let right_ok = !is_alnum(n[n.len() - 1]) || j == h.len() || !is_alnum(h[j]);
        if left_ok && right_ok {
            return true;
        }
    }
    false
}

#[test]
fn has_reimplementation_follows_the_documented_examples() {
    // KQL_SEMANTICS.md §4.1 evidence.
    assert!(kql_has("version=1.2.3", "2.3"));
    assert!(kql_has("1.2.3-rc", "2.3"));
    assert!(!kql_has("1_2_3", "2.3"));
    assert!(kql_has("hello-world", "hello"));
    assert!(kql_has("HELLO", "hello"));
    assert!(!kql_has("helloworld", "hello"));
    assert!(!kql_has("KustoExplorerQueryRun", "Explorer"));
    assert!(kql_has("alpha_beta", "alpha"));
    assert!(kql_has(
        "https://www.supremocontrol.com/x",
        "supremocontrol.com"
    ));
    assert!(!kql_has("notsupremocontrol.com", "supremocontrol.com"));
    assert!(!kql_has("supremocontrol.community", "supremocontrol.com"));
    assert!(kql_has("Nanosystems S.r.l.", "Nanosystems S.R.L."));
    assert!(!kql_has("Nanosystems SRL", "Nanosystems S.R.L."));
    assert!(kql_has("anything", ""));
}

// ---- the seed rules, without the engine ---------------------------------------------------------------

const REFERENCE: &str = "2026-11-20T12:00:00.0000000Z";
/// now(-5d) for the reference time above.
const WINDOW_START: &str = "2026-11-15T12:00:00.0000000Z";

/// (rule file, table, predicate, group by RemoteUrl?)
type Pred = fn(&Table, &[String]) -> bool;
fn seed_rules() -> Vec<(&'static str, &'static str, Pred, bool)> {
    vec![
        (
            "rmm_SupRemo_filesig.yaml",
            "DeviceFileCertificateInfo",
            |t, r| kql_has(t.get(r, "Signer"), "Nanosystems S.R.L."),
            false,
        ),
        (
            "rmm_SupRemo_netconn.yaml",
            "DeviceNetworkEvents",
            |t, r| {
                let url = t.get(r, "RemoteUrl");
                (kql_has(url, "supremocontrol.com") || kql_has(url, "nanosystems.it"))
                    && kql_has(
                        t.get(r, "InitiatingProcessVersionInfoCompanyName"),
                        "NanoSystems",
                    )
            },
            true,
        ),
        (
            "rmm_Action1_filesig.yaml",
            "DeviceFileCertificateInfo",
            |t, r| kql_has(t.get(r, "Signer"), "Action1 Corporation"),
            false,
        ),
        (
            "rmm_NetSupport_filesig.yaml",
            "DeviceFileCertificateInfo",
            |t, r| kql_has(t.get(r, "Signer"), "netsupport"),
            false,
        ),
        (
            "rmm_RemotePC_filesig.yaml",
            "DeviceFileCertificateInfo",
            |t, r| kql_has(t.get(r, "Signer"), "idrive"),
            false,
        ),
    ]
}

type Key = (String, String, String); // DeviceId, Timestamp, ReportId

fn key(t: &Table, r: &[String]) -> Key {
    (
        t.get(r, "DeviceId").to_string(),
        t.get(r, "Timestamp").to_string(),
        t.get(r, "ReportId").to_string(),
    )
}

fn plant_key(p: &Value) -> Key {
    (
        p["device_id"].as_str().unwrap().to_string(),
        p["timestamp"].as_str().unwrap().to_string(),
        p["report_id"].as_i64().unwrap().to_string(),
    )
}

#[test]
fn seed_rule_results_follow_from_the_plants() {
    let dir = committed();
    let m = manifest(&dir);
    assert_eq!(m["reference_time"], REFERENCE);
    let plants = m["plants"].as_array().unwrap();
    let mut tables: HashMap<&str, Table> = HashMap::new();
    for (rule, table, pred, by_url) in seed_rules() {
        let t = tables.entry(table).or_insert_with(|| load(&dir, table));
        // `between (now(-5d)..now())` is inclusive; these ISO strings (7 digits, Z) sort as times do.
        let matched: Vec<&Vec<String>> = t
            .rows
            .iter()
            .filter(|r| {
                let ts = t.get(r, "Timestamp");
                (WINDOW_START..=REFERENCE).contains(&ts) && pred(t, r)
            })
            .collect();
        let got: BTreeSet<Key> = matched.iter().map(|r| key(t, r)).collect();
        let planted: BTreeSet<Key> = plants
            .iter()
            .filter(|p| {
                p["seed_rule_matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| x == rule)
            })
            .map(plant_key)
            .collect();
        assert!(!got.is_empty(), "{rule} matches nothing");
        assert_eq!(
            got, planted,
            "{rule}: matching rows vs plants (no background row may match)"
        );
        // Every plant aimed at this rule says correctly whether it matches.
        for p in plants.iter().filter(|p| p["rule"] == rule) {
            assert_eq!(
                p["expect_match"].as_bool().unwrap(),
                got.contains(&plant_key(p)),
                "{rule}: {}",
                p["id"]
            );
        }
        // The summarize, computed here from the rows, equals the manifest's expected result.
        let mut groups: BTreeMap<(String, String, String), Vec<&Vec<String>>> = BTreeMap::new();
        for r in &matched {
            let url = if by_url {
                t.get(r, "RemoteUrl").to_string()
            } else {
                String::new()
            };
            groups
                .entry((
                    t.get(r, "DeviceName").into(),
                    t.get(r, "DeviceId").into(),
                    url,
                ))
                .or_default()
                .push(r);
        }
        let expected = m["expected"][rule].as_array().unwrap();
        assert_eq!(expected.len(), groups.len(), "{rule}");
        for ((name, id, url), rows) in &groups {
            let e = expected
                .iter()
                .find(|e| {
                    e["DeviceId"] == id.as_str() && (!by_url || e["RemoteUrl"] == url.as_str())
                })
                .unwrap_or_else(|| panic!("{rule}: no expected row for {name} {url}"));
            assert_eq!(e["DeviceName"], name.as_str());
            let times: Vec<&str> = rows.iter().map(|r| t.get(r, "Timestamp")).collect();
            assert_eq!(e["FirstSeen"], *times.iter().min().unwrap());
            assert_eq!(e["LastSeen"], *times.iter().max().unwrap());
            assert_eq!(e["Count"], rows.len());
            let reports: BTreeSet<i64> = rows
                .iter()
                .map(|r| t.get(r, "ReportId").parse().unwrap())
                .collect();
            let listed: BTreeSet<i64> = e["Report"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
                .collect();
            assert_eq!(reports, listed, "{rule} {name}");
        }
    }
}

// ---- determinism and the committed folder ---------------------------------------------------------------

#[test]
fn same_seed_same_bytes_and_the_committed_folder_is_a_fresh_generation() {
    let params = SampleParams::default();
    let a = sample::generate(&params).unwrap();
    let b = sample::generate(&params).unwrap();
    assert_eq!(
        a.files, b.files,
        "same parameters must give identical bytes"
    );
    let other = sample::generate(&SampleParams {
        seed: params.seed + 1,
        ..params.clone()
    })
    .unwrap();
    assert_ne!(a.files, other.files);
    // sample-data/ is exactly the generator's output for the default parameters (regenerate it with
    // `huntbench sample generate --out sample-data` instead of editing it).
    for (name, bytes) in &a.files {
        let on_disk = std::fs::read(committed().join(name))
            .unwrap_or_else(|_| panic!("sample-data/{name} missing"));
        assert!(
            on_disk == *bytes,
            "sample-data/{name} differs from a fresh generation"
        );
    }
    let m = manifest(&committed());
    assert_eq!(m["generator_version"], sample::GENERATOR_VERSION);
    assert_eq!(m["seed"], params.seed);
    assert_eq!(m["parameters"]["devices"], params.devices);
    assert_eq!(m["parameters"]["days"], params.days);
}

#[test]
fn committed_folder_fits_the_budget_and_loads_cleanly() {
    let dir = committed();
    let total: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total < 15_000_000, "sample-data is {total} bytes");
    let cat = Catalog::open(&dir).unwrap();
    assert!(cat.warnings().is_empty(), "{:?}", cat.warnings());
    let m = manifest(&dir);
    for (name, entry) in m["tables"].as_object().unwrap() {
        assert_eq!(
            cat.row_count(name),
            entry["rows"].as_u64().map(|n| n as usize),
            "{name}"
        );
        let df = cat.scan(name).unwrap().collect().unwrap();
        assert_eq!(
            df.height() as u64,
            entry["rows"].as_u64().unwrap(),
            "{name}"
        );
    }
}

// ---- consistency -----------------------------------------------------------------------------------------

#[test]
fn tables_have_every_schema_column_and_portal_timestamps() {
    let dir = committed();
    for table in [
        "DeviceInfo",
        "DeviceFileCertificateInfo",
        "DeviceNetworkEvents",
        "DeviceProcessEvents",
        "DeviceFileEvents",
    ] {
        let t = load(&dir, table);
        let schema: Vec<String> = defender_table(table)
            .unwrap()
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        assert_eq!(t.header, schema, "{table}");
        let ts = t.col("Timestamp");
        for r in &t.rows {
            let v = &r[ts];
            let b = v.as_bytes();
            let shape = v.len() == 28
                && b[4] == b'-'
                && b[10] == b'T'
                && b[19] == b'.'
                && b[27] == b'Z'
                && b[20..27].iter().all(u8::is_ascii_digit);
            assert!(shape, "{table}: Timestamp {v}");
            let id = t.get(r, "DeviceId");
            assert!(
                id.len() == 40
                    && id
                        .bytes()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
                "{id}"
            );
            assert!(t.get(r, "DeviceName").ends_with(".contoso.local"));
            assert!(t.get(r, "ReportId").parse::<i64>().is_ok());
        }
    }
}

#[test]
fn devices_and_hashes_agree_across_tables() {
    let dir = committed();
    let info = load(&dir, "DeviceInfo");
    let mut names: HashMap<String, String> = HashMap::new();
    for r in &info.rows {
        let prev = names.insert(
            info.get(r, "DeviceId").into(),
            info.get(r, "DeviceName").into(),
        );
        if let Some(prev) = prev {
            assert_eq!(prev, info.get(r, "DeviceName"));
        }
    }
    for table in [
        "DeviceFileCertificateInfo",
        "DeviceNetworkEvents",
        "DeviceProcessEvents",
        "DeviceFileEvents",
    ] {
        let t = load(&dir, table);
        for r in &t.rows {
            assert_eq!(
                names.get(t.get(r, "DeviceId")).map(String::as_str),
                Some(t.get(r, "DeviceName")),
                "{table}"
            );
        }
    }
    // Every certificate row's file was seen written on that device.
    let files = load(&dir, "DeviceFileEvents");
    let written: HashSet<(&str, &str)> = files
        .rows
        .iter()
        .map(|r| (files.get(r, "DeviceId"), files.get(r, "SHA1")))
        .collect();
    let certs = load(&dir, "DeviceFileCertificateInfo");
    for r in &certs.rows {
        let sha1 = certs.get(r, "SHA1");
        assert_eq!(sha1.len(), 40);
        assert!(
            written.contains(&(certs.get(r, "DeviceId"), sha1)),
            "certificate SHA1 {sha1} not in DeviceFileEvents"
        );
    }
    // One file, one set of hashes and one signer, whatever the table.
    let procs = load(&dir, "DeviceProcessEvents");
    let mut md5_of: HashMap<String, String> = HashMap::new();
    for (t, sha, md5) in [
        (&procs, "SHA1", "MD5"),
        (&procs, "InitiatingProcessSHA1", "InitiatingProcessMD5"),
        (&files, "SHA1", "MD5"),
        (&files, "InitiatingProcessSHA1", "InitiatingProcessMD5"),
    ] {
        for r in &t.rows {
            let prev = md5_of.insert(t.get(r, sha).into(), t.get(r, md5).into());
            if let Some(prev) = prev {
                assert_eq!(prev, t.get(r, md5), "SHA1 {}", t.get(r, sha));
            }
        }
    }
    let mut signer_of: HashMap<&str, &str> = HashMap::new();
    for r in &certs.rows {
        let prev = signer_of.insert(certs.get(r, "SHA1"), certs.get(r, "Signer"));
        if let Some(prev) = prev {
            assert_eq!(prev, certs.get(r, "Signer"));
        }
    }
}

// ---- the plants -------------------------------------------------------------------------------------------

#[test]
fn every_plant_is_in_its_table_with_its_fields() {
    let dir = committed();
    let m = manifest(&dir);
    let plants = m["plants"].as_array().unwrap();
    let mut tables: HashMap<String, (Table, HashMap<Key, usize>)> = HashMap::new();
    let mut ids = HashSet::new();
    for p in plants {
        assert!(
            ids.insert(p["id"].as_str().unwrap().to_string()),
            "duplicate id {}",
            p["id"]
        );
        assert!(
            ["true_positive", "near_miss", "false_positive"]
                .contains(&p["category"].as_str().unwrap())
        );
        let table = p["table"].as_str().unwrap().to_string();
        let (t, index) = tables.entry(table.clone()).or_insert_with(|| {
            let t = load(&dir, &table);
            let index = t
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (key(&t, r), i))
                .collect();
            (t, index)
        });
        let &i = index
            .get(&plant_key(p))
            .unwrap_or_else(|| panic!("plant {} not found in {table}", p["id"]));
        let row = &t.rows[i];
        assert_eq!(t.get(row, "DeviceName"), p["device_name"].as_str().unwrap());
        for (col, v) in p["fields"].as_object().unwrap() {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            assert_eq!(t.get(row, col), text, "plant {} column {col}", p["id"]);
        }
    }
}

fn plants_where(m: &Value, f: impl Fn(&Value) -> bool) -> Vec<&Value> {
    m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| f(p))
        .collect()
}

fn field<'a>(p: &'a Value, col: &str) -> &'a str {
    p["fields"][col].as_str().unwrap_or("")
}

#[test]
fn the_seed_scenarios_and_near_misses_are_planted() {
    let m = manifest(&committed());
    let seed =
        |rule: &'static str| move |p: &Value| p["rule"] == rule && p["category"] == "true_positive";
    // True positives of each seed rule on several devices, some with several ReportIds.
    for rule in [
        "rmm_SupRemo_filesig.yaml",
        "rmm_SupRemo_netconn.yaml",
        "rmm_Action1_filesig.yaml",
        "rmm_NetSupport_filesig.yaml",
        "rmm_RemotePC_filesig.yaml",
    ] {
        let tps = plants_where(&m, seed(rule));
        let devices: BTreeSet<&str> = tps
            .iter()
            .map(|p| p["device_id"].as_str().unwrap())
            .collect();
        assert!(devices.len() >= 2, "{rule}");
        assert!(
            tps.len() > devices.len(),
            "{rule}: several events on a device"
        );
    }
    // The real signers.
    for signer in [
        "Nanosystems S.r.l.",
        "Action1 Corporation",
        "NetSupport Ltd",
        "NETSUPPORT LTD.",
        "IDrive, Inc.",
    ] {
        assert!(
            !plants_where(&m, |p| field(p, "Signer") == signer
                && p["expect_match"] == true)
            .is_empty(),
            "{signer}"
        );
    }
    // SupRemo connections with the company names.
    for company in ["NanoSystems", "Nanosystems S.r.l."] {
        assert!(
            !plants_where(&m, |p| p["rule"] == "rmm_SupRemo_netconn.yaml"
                && field(p, "InitiatingProcessVersionInfoCompanyName") == company
                && p["expect_match"] == true)
            .is_empty()
        );
    }
    // Near-misses.
    let nm = |f: &dyn Fn(&Value) -> bool| plants_where(&m, |p| f(p));
    assert_eq!(
        nm(&|p| field(p, "RemoteUrl") == "supremocontrol.community" && p["expect_match"] == false)
            .len(),
        1
    );
    assert_eq!(
        nm(&|p| kql_has(field(p, "RemoteUrl"), "supremocontrol.com")
            && field(p, "InitiatingProcessVersionInfoCompanyName") == "Microsoft Corporation"
            && p["expect_match"] == false)
        .len(),
        1
    );
    assert_eq!(
        nm(&|p| field(p, "Signer") == "Nanosystems SRL" && p["expect_match"] == false).len(),
        1
    );
    let idrive_fp =
        nm(&|p| p["category"] == "false_positive" && p["rule"] == "rmm_RemotePC_filesig.yaml");
    assert!(
        idrive_fp
            .iter()
            .all(|p| p["expect_match"] == true && field(p, "Signer") == "IDrive, Inc.")
    );
    let fp_files: BTreeSet<&str> =
        nm(&|p| p["category"] == "false_positive" && p["table"] == "DeviceFileEvents")
            .iter()
            .map(|p| field(p, "FileName"))
            .collect();
    assert_eq!(
        fp_files,
        BTreeSet::from(["IDriveWinSetup.exe", "id_tray.exe"])
    );
    // Window edges: 5 days + 1 minute before now (outside), 5 days - 1 minute (inside), exactly 5 days (inside,
    // `between` is inclusive), after now (outside).
    let at = |ts: &str, expect: bool| {
        nm(&|p| {
            p["timestamp"] == ts
                && p["expect_match"] == expect
                && p["table"] == "DeviceFileCertificateInfo"
        })
        .len()
    };
    assert_eq!(at("2026-11-15T11:59:00.0000000Z", false), 1);
    assert_eq!(at("2026-11-15T12:01:00.0000000Z", true), 1);
    assert_eq!(at("2026-11-15T12:00:00.0000000Z", true), 1);
    assert_eq!(
        nm(&|p| p["timestamp"].as_str().unwrap() > REFERENCE && p["expect_match"] == false).len(),
        1
    );
    // The same ReportId on two devices, both matching the same rule.
    let mut seen: HashMap<(String, i64), BTreeSet<String>> = HashMap::new();
    for p in nm(&|p| p["expect_match"] == true && p["rule"].as_str().unwrap().ends_with(".yaml")) {
        seen.entry((
            p["rule"].as_str().unwrap().into(),
            p["report_id"].as_i64().unwrap(),
        ))
        .or_default()
        .insert(p["device_id"].as_str().unwrap().into());
    }
    assert!(
        seen.values().any(|devices| devices.len() >= 2),
        "no ReportId shared by two devices"
    );
    // All seed-rule plants sit within the data, and matching ones within 5 days before now.
    for p in nm(&|p| !p["seed_rule_matches"].as_array().unwrap().is_empty()) {
        let ts = p["timestamp"].as_str().unwrap();
        assert!((WINDOW_START..=REFERENCE).contains(&ts), "{}", p["id"]);
    }
}

/// A matcher for a domain from the facts: `*` is any host label text, `[a-f0-9]{8}` eight hex digits, a
/// `:port` suffix is not part of the host.
fn domain_pattern(d: &str) -> regex::Regex {
    let d = d.split(':').next().unwrap();
    let hex8 = regex::escape("[a-f0-9]{8}");
    let pattern = regex::escape(d)
        .replace(&hex8, "[a-f0-9]{8}")
        .replace(r"\*", "[a-z0-9-]+");
    regex::Regex::new(&format!("^{pattern}$")).unwrap()
}

#[test]
fn domain_patterns() {
    assert!(
        domain_pattern("relay-[a-f0-9]{8}.net.anydesk.com:443")
            .is_match("relay-0123abcd.net.anydesk.com")
    );
    assert!(domain_pattern("*.supremocontrol.com").is_match("www.supremocontrol.com"));
    assert!(!domain_pattern("*.supremocontrol.com").is_match("supremocontrol.com"));
    assert!(domain_pattern("auth*.aeroadmin.com").is_match("auth01.aeroadmin.com"));
    assert!(
        domain_pattern("rescue-list.*.logmein-gateway.com")
            .is_match("rescue-list.01.logmein-gateway.com")
    );
}

#[test]
fn every_rmm_tool_has_pack_plants() {
    let m = manifest(&committed());
    let tools: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("src/data/sample/rmm_tools.json"),
        )
        .unwrap(),
    )
    .unwrap();
    for tool in &tools {
        let name = tool["tool"].as_str().unwrap();
        let plant = |kind: &str| {
            plants_where(&m, |p| {
                p["rule"] == format!("rmm-pack:{name}:{kind}").as_str()
            })
            .first()
            .copied()
            .cloned()
        };
        let strings = |k: &str| -> Vec<String> {
            tool[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let signers = strings("signers");
        match plant("filesig") {
            Some(p) => assert!(signers.contains(&field(&p, "Signer").to_string()), "{name}"),
            None => assert!(
                signers.is_empty(),
                "{name} has signers but no filesig plant"
            ),
        }
        let net = plant("netconn").unwrap_or_else(|| panic!("{name}: no netconn plant"));
        let url = field(&net, "RemoteUrl");
        assert!(!url.contains('*') && !url.is_empty(), "{name}: {url}");
        // The host is one of the tool's domains, with wildcards filled in.
        let domains = strings("domains");
        let from_facts = domains.iter().any(|d| domain_pattern(d).is_match(url));
        assert!(from_facts, "{name}: {url} not from {domains:?}");
        let companies = strings("company_names");
        let company = field(&net, "InitiatingProcessVersionInfoCompanyName");
        assert!(
            companies.is_empty() || companies.iter().any(|c| c == company),
            "{name}: {company}"
        );
        let proc_plant =
            plant("createproc").unwrap_or_else(|| panic!("{name}: no createproc plant"));
        let exes = strings("exe_names");
        let exe = field(&proc_plant, "FileName");
        assert!(
            exes.is_empty() || exes.iter().any(|e| e == exe),
            "{name}: {exe}"
        );
        assert_eq!(
            field(&net, "InitiatingProcessFileName"),
            exe,
            "{name}: one executable for the tool"
        );
    }
}
