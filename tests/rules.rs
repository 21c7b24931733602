//! Rules: the bundled rules and RMM pack, the Defender hunting corpus, loading errors, in-place query
//! replacement, and the `huntbench rules` listing.
//!
//! Needs the shared reference folder: `$HUNTBENCH_SHARED`, else `$CARGO_MANIFEST_DIR/../shared`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use huntbench::rules::pack::{self, RuleKind};
use huntbench::rules::{QueryStyle, Rule, load_file, load_path};

use huntbench::cli::rules_cmd;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    let p = std::env::var_os("HUNTBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest().join("..").join("shared"));
    assert!(
        p.join("corpus").is_dir(),
        "shared folder not found at {} (set HUNTBENCH_SHARED)",
        p.display()
    );
    p
}

fn upstream_rmm() -> PathBuf {
    shared().join(
        "corpus/sentinel-m365d/Hunting Queries/Microsoft 365 Defender/RemoteManagementMonitoring",
    )
}

fn fixtures() -> PathBuf {
    manifest().join("tests/fixtures/rules")
}

/// The five seed rules: file, id and name exactly as in the upstream files (name typo "Montioring" included).
const SEEDS: [(&str, &str, &str); 5] = [
    (
        "rmm_Action1_filesig.yaml",
        "1525a733-192f-41f2-96ba-d3f631ca00d0",
        "Remote Management and Montioring tool - Action1 - File Signature",
    ),
    (
        "rmm_NetSupport_filesig.yaml",
        "b05f18dd-69df-4dc3-9eed-04b29d379ee5",
        "Remote Management and Monitoring tool - NetSupport - File Signature",
    ),
    (
        "rmm_RemotePC_filesig.yaml",
        "889cdb9b-ae6a-4bf5-9808-23e85367c6d0",
        "Remote Management and Monitoring tool - RemotePC - File Signature",
    ),
    (
        "rmm_SupRemo_filesig.yaml",
        "a8c85d8f-1bb0-4c0e-8983-de136a7bf2e6",
        "Remote Management and Monitoring tool - SupRemo - File Signature",
    ),
    (
        "rmm_SupRemo_netconn.yaml",
        "889b90bc-599e-4e28-bb19-1ffc04dbf80b",
        "Remote Management and Monitoring tool - SupRemo - Network Connection",
    ),
];

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

fn pack_dir() -> PathBuf {
    manifest().join("rules/rmm-pack")
}

fn pack_yaml_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(pack_dir())
        .expect("rules/rmm-pack exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    v.sort();
    v
}

#[test]
fn bundled_rules_are_the_seeds_and_the_pack() {
    let report = load_path(manifest().join("rules"));
    assert!(report.errors.is_empty(), "load errors: {:?}", report.errors);
    assert!(report.skipped.is_empty(), "skipped: {:?}", report.skipped);

    let top: Vec<&Rule> = report
        .rules
        .iter()
        .filter(|r| r.path.parent() == Some(&manifest().join("rules")))
        .collect();
    assert_eq!(top.len(), 5);
    for (rule, (file, id, name)) in top.iter().zip(SEEDS) {
        assert_eq!(rule.path.file_name().and_then(|f| f.to_str()), Some(file));
        assert_eq!(rule.id.as_deref(), Some(id), "{file}");
        assert_eq!(rule.name.as_deref(), Some(name), "{file}");
        assert_eq!(rule.tactics, ["CommandAndControl"]);
        assert_eq!(rule.relevant_techniques, ["T1219"]);
        // Byte-identical to the upstream file (CRLF line ends included).
        let upstream = std::fs::read(upstream_rmm().join(file)).expect("upstream seed");
        assert_eq!(
            rule.raw.as_bytes(),
            &upstream[..],
            "{file} differs from upstream"
        );
        assert!(rule.raw.contains("\r\n"));
    }

    let pack: Vec<&Rule> = report
        .rules
        .iter()
        .filter(|r| r.path.parent() == Some(&pack_dir()))
        .collect();
    assert_eq!(report.rules.len(), 5 + pack.len());
    assert_eq!(pack.len(), pack_yaml_files().len());
    assert!(pack.len() >= 80, "pack has {} rules", pack.len());
    let mut ids: Vec<&str> = report
        .rules
        .iter()
        .filter_map(|r| r.id.as_deref())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), report.rules.len(), "ids are unique");
    for r in &pack {
        let file = r
            .path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default();
        assert!(
            !SEEDS.iter().any(|s| s.0 == file),
            "{file} duplicates a seed"
        );
        assert!(
            r.id.as_deref().is_some_and(is_guid),
            "{file}: id {:?}",
            r.id
        );
        assert_eq!(r.version().as_deref(), Some("1.0.0"), "{file}");
        assert_eq!(r.tags(), ["huntbench-rmm-pack"], "{file}");
        assert_eq!(r.tactics, ["CommandAndControl"], "{file}");
        assert_eq!(r.relevant_techniques, ["T1219"], "{file}");
        assert!(!r.raw.contains('\r'), "{file}: the pack uses LF line ends");
        assert_eq!(r.query_style, QueryStyle::Literal);
        let keys = r.keys();
        assert_eq!(
            keys,
            [
                "id",
                "name",
                "description",
                "requiredDataConnectors",
                "tactics",
                "relevantTechniques",
                "query",
                "version",
                "tags"
            ],
            "{file}"
        );
        let kind = RuleKind::ALL
            .into_iter()
            .find(|k| file.ends_with(&format!("_{}.yaml", k.suffix())));
        let kind = kind.unwrap_or_else(|| panic!("{file}: unexpected file name"));
        assert_eq!(r.data_types(), [kind.table()], "{file}");
        let name = r.name.as_deref().unwrap_or_default();
        assert!(
            name.starts_with("Remote Management and Monitoring tool - "),
            "{file}: {name}"
        );
        assert!(
            name.ends_with(&format!(" - {}", kind.title())),
            "{file}: {name}"
        );
        // The seeds' query shape.
        let head = format!(
            "let Time_start = now(-5d);\nlet Time_end = now();\n//\n{}\n| where Timestamp between (Time_start..Time_end)\n| where ",
            kind.table()
        );
        assert!(r.query.starts_with(&head), "{file}: {}", r.query);
        let tail = if kind == RuleKind::NetworkConnection {
            "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName,\n    RemoteUrl\n"
        } else {
            "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n"
        };
        assert!(r.query.ends_with(tail), "{file}: {}", r.query);
    }
}

/// The pack against the facts, checked independently of the generator: every signer, every executable and
/// company name, and every plain domain (or a parent domain of it) appears in the rule of its kind.
#[test]
fn pack_rules_follow_the_facts() {
    let facts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared().join("reference/rmm_tools.json")).expect("facts"),
    )
    .expect("facts parse");
    let tools = facts.as_array().expect("a list of tools");
    assert_eq!(tools.len(), 31);
    let strs = |t: &serde_json::Value, k: &str| -> Vec<String> {
        t[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let quoted = |q: &str, s: &str| q.contains(&format!("'{s}'"));
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for t in tools {
        let tool = t["tool"].as_str().expect("tool name");
        let short = pack::short_name(tool);
        let load = |kind: &str| -> Option<Rule> {
            let p = pack_dir().join(format!("rmm_{short}_{kind}.yaml"));
            p.exists().then(|| load_file(&p).expect("pack rule loads"))
        };
        let signers = strs(t, "signers");
        let companies = strs(t, "company_names");
        let exes: Vec<String> = strs(t, "exe_names")
            .into_iter()
            .filter(|e| e.to_ascii_lowercase().ends_with(".exe"))
            .collect();
        let is_seed = |k: RuleKind| {
            pack::SEED_RULES
                .iter()
                .any(|(st, sk, _)| *st == tool && *sk == k)
        };

        match load("filesig") {
            Some(r) => {
                *per_kind.entry("filesig").or_default() += 1;
                for s in &signers {
                    assert!(quoted(&r.query, s), "{tool}: signer {s} missing");
                }
                assert!(r.query.contains("| where Signer has_any ("));
            }
            None => assert!(
                is_seed(RuleKind::FileSignature)
                    || signers.is_empty()
                    || tool.starts_with("ConnectWise Automate"),
                "{tool}: no file-signature rule"
            ),
        }
        match load("netconn") {
            Some(r) => {
                *per_kind.entry("netconn").or_default() += 1;
                let url_part = r
                    .query
                    .split("| where RemoteUrl has_any (")
                    .nth(1)
                    .expect("RemoteUrl filter");
                let url_part = url_part.split(')').next().unwrap_or_default();
                let terms: Vec<&str> = url_part.split('\'').skip(1).step_by(2).collect();
                for d in strs(t, "domains") {
                    let d = d.strip_prefix("*.").unwrap_or(&d).to_ascii_lowercase();
                    if !d
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                    {
                        continue; // patterns are listed in the README
                    }
                    assert!(
                        // Under `has`, a listed term matches any domain holding it as whole dot-separated labels:
                        // `anydesk.com` in `boot.net.anydesk.com`, `zoho.com` in `assist.zoho.com.au`,
                        // `atera-agent-heartbeat` in `atera-agent-heartbeat.servicebus.windows.net`.
                        terms
                            .iter()
                            .any(|t| format!(".{d}.").contains(&format!(".{t}."))),
                        "{tool}: domain {d} not covered by {terms:?}"
                    );
                }
                for c in &companies {
                    assert!(quoted(&r.query, c), "{tool}: company {c} missing");
                }
                assert_eq!(
                    r.query
                        .contains("InitiatingProcessVersionInfoCompanyName has_any"),
                    !companies.is_empty()
                );
            }
            None => assert!(
                is_seed(RuleKind::NetworkConnection),
                "{tool}: no network rule"
            ),
        }
        match load("createproc") {
            Some(r) => {
                *per_kind.entry("createproc").or_default() += 1;
                for e in &exes {
                    assert!(quoted(&r.query, e), "{tool}: exe {e} missing");
                }
                for c in &companies {
                    assert!(quoted(&r.query, c), "{tool}: company {c} missing");
                }
                assert_eq!(r.query.contains("FileName in~ ("), !exes.is_empty());
                assert_eq!(
                    r.query.contains("ProcessVersionInfoCompanyName has_any ("),
                    !companies.is_empty()
                );
            }
            None => assert!(
                exes.is_empty() && companies.is_empty(),
                "{tool}: no process rule"
            ),
        }
    }
    // 31 tools: no signer for RustDesk, ConnectWise Automate shares ScreenConnect's signers, 4 seed filesig;
    // SupRemo's netconn is a seed; every tool has an exe or a company name.
    assert_eq!(per_kind.get("filesig"), Some(&25));
    assert_eq!(per_kind.get("netconn"), Some(&30));
    assert_eq!(per_kind.get("createproc"), Some(&31));
    assert_eq!(pack_yaml_files().len(), 25 + 30 + 31);
}

/// Two rules worked out by hand from the facts.
#[test]
fn pack_examples_checked_by_hand() {
    // AnyDesk domains: boot.net.anydesk.com (inside anydesk.com), relay-[a-f0-9]{8}.net.anydesk.com:443 (a
    // regex), *.anydesk.com, anydesk.com, api.playanext.com  =>  anydesk.com, api.playanext.com.
    let r = load_file(pack_dir().join("rmm_AnyDesk_netconn.yaml")).expect("loads");
    assert!(r.query.contains(
        "| where RemoteUrl has_any (\n        'anydesk.com',\n        'api.playanext.com'\n    )\n    and InitiatingProcessVersionInfoCompanyName has_any ('AnyDesk Software GmbH', 'philandro Software GmbH')\n"
    ), "{}", r.query);
    let r = load_file(pack_dir().join("rmm_Action1_createproc.yaml")).expect("loads");
    assert!(r.query.contains(
        "| where FileName in~ ('action1_connector.exe', 'action1_remote.exe', 'action1_update.exe', 'action1_agent.exe')\n    and ProcessVersionInfoCompanyName has_any ('Action1 Corporation')\n"
    ), "{}", r.query);
    let r = load_file(pack_dir().join("rmm_RustDesk_netconn.yaml")).expect("loads");
    assert!(r.query.contains("'rustdesk.com'") && !r.query.contains("web.rustdesk.com"));
    assert!(!r.query.contains("CompanyName"));
}

fn random_guid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    let a = h.finish();
    h.write_u64(a);
    let b = h.finish();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The committed pack is what the generator makes from the facts (with the committed ids).
/// `HUNTBENCH_WRITE_RMM_PACK=1` rewrites it instead, giving new rules fresh ids.
#[test]
fn rmm_pack_matches_generator() {
    let facts = std::fs::read_to_string(shared().join("reference/rmm_tools.json")).expect("facts");
    let write = std::env::var_os("HUNTBENCH_WRITE_RMM_PACK").is_some();
    let mut ids = BTreeMap::new();
    if pack_dir().is_dir() {
        for name in pack_yaml_files() {
            if let Ok(r) = load_file(pack_dir().join(&name))
                && let Some(id) = r.id
            {
                ids.insert(name, id);
            }
        }
    }
    let mut fresh = 0;
    let mut new_id = || {
        fresh += 1;
        random_guid()
    };
    let files = pack::generate(&facts, &ids, &mut new_id).expect("generates");
    if write {
        std::fs::create_dir_all(pack_dir()).expect("mkdir");
        for name in pack_yaml_files() {
            if !files.iter().any(|f| f.file_name == name) {
                std::fs::remove_file(pack_dir().join(name)).expect("remove stale rule");
            }
        }
        for f in &files {
            std::fs::write(pack_dir().join(&f.file_name), &f.contents).expect("write");
        }
        eprintln!("wrote {} files ({fresh} new ids)", files.len());
        return;
    }
    assert_eq!(
        fresh, 0,
        "a pack rule has no committed id yet: run with HUNTBENCH_WRITE_RMM_PACK=1"
    );
    let expected: Vec<&str> = files
        .iter()
        .map(|f| f.file_name.as_str())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    assert_eq!(pack_yaml_files(), expected);
    for f in &files {
        let on_disk =
            std::fs::read_to_string(pack_dir().join(&f.file_name)).expect("committed file");
        assert_eq!(
            on_disk, f.contents,
            "{} is not what the generator makes",
            f.file_name
        );
    }
}

fn corpus_dir() -> PathBuf {
    shared().join("corpus/sentinel-m365d")
}

#[test]
fn corpus_loads_with_exactly_the_three_invalid_files_failing() {
    let report = load_path(corpus_dir());
    assert_eq!(report.files_seen(), 610);
    assert_eq!(report.rules.len(), 607);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let base = corpus_dir().join("Hunting Queries/Microsoft 365 Defender");
    // Positions worked out by hand (see SOURCE.md for the files):
    // - Endpoint Linux AV...: the block starts at indentation 1 (line 12); line 13 `| where` at column 1 ends
    //   it, `|` opens a new block scalar header and `where` (13:3) cannot follow it.
    // - Endpoint Linux Agent Health...: `query: |` is followed by text at column 1, so the block is empty and
    //   line 13 reads as a key; the `:` it needs is missing where line 14 starts (14:1).
    // - NegoExLogins: the block starts at indentation 3 (line 10); line 11 `  | where` has indentation 2, so
    //   `|` (11:3) opens a header and `where` (11:5) cannot follow it.
    let expected = [
        (
            base.join("General queries/Endpoint Linux AV Signature and Platform Versions"),
            13,
            3,
        ),
        (
            base.join("General queries/Endpoint Linux Agent Health Status Report"),
            14,
            1,
        ),
        (base.join("Lateral Movement/NegoExLogins"), 11, 5),
    ];
    let got: Vec<(PathBuf, usize, usize)> = report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.line, e.column))
        .collect();
    assert_eq!(got, expected, "{:#?}", report.errors);
    for e in &report.errors {
        // The position is in the prefix, not repeated in the message (libyaml's context may follow it).
        let repeated = format!(" at line {} column {},", e.line, e.column);
        assert!(
            !e.message.is_empty() && !e.message.contains(&repeated),
            "{}",
            e.message
        );
        let shown = e.to_string();
        assert!(
            shown.contains(&format!(":{}:{}: ", e.line, e.column)),
            "{shown}"
        );
    }
    // Sorted by path.
    let paths: Vec<&Path> = report.rules.iter().map(|r| r.path.as_path()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    // Two upstream files have no id; they still load.
    assert_eq!(report.rules.iter().filter(|r| r.id.is_none()).count(), 2);
    // The one file that nests `tactics` inside its connector has no top-level tactics.
    let wcf = report.rules.iter().find(|r| {
        r.path
            .ends_with("General queries/Web Content Filtering Events.yml")
    });
    assert_eq!(wcf.map(|r| r.tactics.len()), Some(0));
}

#[test]
fn corpus_query_positions_map_to_the_file() {
    let report = load_path(corpus_dir());
    let mut literal = 0;
    for r in &report.rules {
        // The `query:` key is on the line before query_line.
        let lines: Vec<&str> = r.raw.split('\n').collect();
        let key = lines[r.query_line - 2].trim_end_matches('\r');
        assert!(key.starts_with("query: |"), "{}: {key}", r.path.display());
        if r.query_style != QueryStyle::Literal {
            continue;
        }
        literal += 1;
        // Each query line is in the file at query_line + i, from query_column on.
        for (i, ql) in r.query.trim_end_matches('\n').split('\n').enumerate() {
            let fl = lines[r.query_line - 1 + i].trim_end_matches('\r');
            if ql.is_empty() {
                assert!(
                    fl.trim().is_empty() || fl.len() < r.query_column,
                    "{}:{}",
                    r.path.display(),
                    i
                );
            } else {
                assert_eq!(
                    &fl[r.query_column - 1..],
                    ql,
                    "{} line {}",
                    r.path.display(),
                    i + 1
                );
            }
        }
        // A query position maps to the same text in the file.
        let (fl, fc) = r.file_position(1, 1);
        assert_eq!((fl, fc), (r.query_line, r.query_column));
        // Replacing the query by itself changes nothing.
        assert_eq!(r.with_query(&r.query), r.raw, "{}", r.path.display());
    }
    assert_eq!(literal, 607);
}

#[test]
fn bad_files_are_clear_errors_and_never_stop_the_others() {
    let report = load_path(fixtures().join("bad"));
    assert!(report.rules.is_empty());
    let got: BTreeMap<String, (usize, usize, String)> = report
        .errors
        .iter()
        .map(|e| {
            (
                e.path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                (e.line, e.column, e.message.clone()),
            )
        })
        .collect();
    assert_eq!(got.len(), 7, "{got:#?}");
    let check = |file: &str, line: usize, col: usize, needle: &str| {
        let (l, c, m) = got
            .get(file)
            .unwrap_or_else(|| panic!("no error for {file}"));
        assert_eq!((*l, *c), (line, col), "{file}: {m}");
        assert!(m.contains(needle), "{file}: {m}");
    };
    // The document starts on line 2, after a comment.
    check(
        "no_query.yaml",
        2,
        1,
        "no `query` field; a Sentinel hunting rule needs id, name and query",
    );
    // The NUL byte: bytes 0-5 are "\x89PNG\r\n", 6-7 "\x1a\n", so byte 8 starts line 3.
    check("garbage.yaml", 3, 1, "binary data");
    // "name: Caf" is 9 characters; the Latin-1 é is the 10th.
    check("latin1.yaml", 2, 10, "not UTF-8");
    check("empty.yaml", 1, 1, "empty file");
    // Line 5 `| take 10` ends the block; `|` opens a new block header and `take` (5:3) cannot follow it.
    check(
        "bad_indent.yaml",
        5,
        3,
        "did not find expected comment or line break",
    );
    check("not_a_mapping.yaml", 1, 1, "the document is a list");
    // An extensionless rule attempt that is not valid YAML is an error too (like NegoExLogins).
    check(
        "BrokenExtensionless",
        5,
        5,
        "did not find expected comment or line break",
    );
}

#[test]
fn folder_walk_picks_rules_and_skips_the_rest() {
    let report = load_path(fixtures().join("good"));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let names: Vec<String> = report
        .rules
        .iter()
        .map(|r| {
            r.path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // Sorted by path; README.md, notes.txt and .hidden/ are not looked at.
    assert_eq!(
        names,
        [
            "GoodExtensionless",
            "crlf_indent2.yaml",
            "extra_fields.yaml"
        ]
    );
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].path.ends_with("NotARule"));
    assert_eq!(report.files_seen(), 4);
}

#[test]
fn extra_fields_are_kept_in_order() {
    let r = load_file(fixtures().join("good/extra_fields.yaml")).expect("loads");
    assert_eq!(
        r.keys(),
        [
            "id",
            "name",
            "description",
            "severity",
            "requiredDataConnectors",
            "tactics",
            "relevantTechniques",
            "query",
            "entityMappings",
            "tags",
            "version",
            "kind",
            "x-huntbench-note"
        ]
    );
    assert_eq!(
        r.id.as_deref(),
        Some("5b3e2c1a-9d8f-4e7a-b6c5-d4e3f2a1b0c9")
    );
    assert_eq!(r.severity().as_deref(), Some("Medium"));
    assert_eq!(r.version().as_deref(), Some("1.0.1"));
    assert_eq!(r.kind().as_deref(), Some("Scheduled"));
    assert_eq!(r.tags(), ["Remote access", "Origin=fixture"]);
    assert_eq!(
        r.get_str("x-huntbench-note").as_deref(),
        Some("custom keys survive too")
    );
    let em = r
        .entity_mappings()
        .and_then(|v| v.as_sequence())
        .expect("entityMappings list");
    assert_eq!(em[0]["entityType"].as_str(), Some("Host"));
    assert_eq!(r.tactics, ["Execution", "CommandAndControl"]);
    assert_eq!(r.relevant_techniques, ["T1059", "T1219"]);
    assert_eq!(
        r.data_types(),
        ["DeviceProcessEvents", "DeviceNetworkEvents"]
    );
    assert_eq!(
        r.query,
        "DeviceProcessEvents\n| where FileName =~ \"anydesk.exe\"\n\n| project Timestamp, DeviceName\n"
    );
    assert_eq!((r.query_line, r.query_column), (18, 3));
    assert_eq!(r.file_position(4, 3), (21, 5));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn crlf_block_with_indentation_indicator() {
    let r = load_file(fixtures().join("good/crlf_indent2.yaml")).expect("loads");
    // `|2-`: indentation 2 (so the third space on line 5 is text), strip chomping, a leading empty line.
    assert_eq!(r.query, "\n // leading space kept\nDeviceEvents\n| take 5");
    assert_eq!(r.tactics, ["Execution", "Persistence"]);
    assert_eq!(
        (r.query_line, r.query_column, r.query_style),
        (4, 3, QueryStyle::Literal)
    );
    assert_eq!(r.with_query(&r.query), r.raw);
    let out = r.with_query("DeviceEvents\n| take 6");
    assert_eq!(
        out,
        "id: 0b7a4a4e-0000-4000-8000-000000000004\r\nname: CRLF with an indentation indicator\r\nquery: |2-\r\n  DeviceEvents\r\n  | take 6\r\ntactics: Execution, Persistence\r\n"
    );
}

/// Lines of `a` and `b` split on "\n" (CR kept), and the first and last index where they differ.
fn diff_window(a: &str, b: &str) -> (usize, usize, usize) {
    let la: Vec<&str> = a.split('\n').collect();
    let lb: Vec<&str> = b.split('\n').collect();
    let first = la.iter().zip(&lb).take_while(|(x, y)| x == y).count();
    let common_tail = la
        .iter()
        .rev()
        .zip(lb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (first, la.len() - common_tail, lb.len() - common_tail)
}

#[test]
fn with_query_on_a_crlf_seed_changes_only_the_query_lines() {
    let r = load_file(manifest().join("rules/rmm_SupRemo_netconn.yaml")).expect("seed loads");
    assert_eq!((r.query_line, r.query_column), (13, 3));
    assert_eq!(r.with_query(&r.query), r.raw, "identity");
    let new_query = r
        .query
        .replace(
            "'nanosystems.it'",
            "'nanosystems.it',\n        'supremo.example'",
        )
        .replace(
            "| where Timestamp between (Time_start..Time_end)\n",
            "| where Timestamp between (Time_start..Time_end)\n| where isnotempty(RemoteUrl)\n",
        );
    let out = r.with_query(&new_query);
    // Every line still ends in CRLF.
    assert_eq!(out.matches("\r\n").count(), out.matches('\n').count());
    // Only lines of the query block differ: the header is line 12 (index 11), the block ends the file.
    let (first, end_old, end_new) = diff_window(&r.raw, &out);
    assert!(first >= r.query_line - 1, "first differing line {first}");
    assert_eq!(end_new - end_old, 2, "two lines added");
    let raw_lines: Vec<&str> = r.raw.split('\n').collect();
    let out_lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(raw_lines[..r.query_line - 1], out_lines[..r.query_line - 1]);
    // The seed's trailing spaces on unchanged lines survive ("max(Timestamp), \r").
    assert!(out.contains("LastSeen=max(Timestamp), \r\n"));
    assert!(out.contains("      RemoteUrl \r\n"));
    // It parses back to the new query and the same other fields.
    let back = huntbench::rules::parse_rule(r.path.clone(), out).expect("parses");
    assert_eq!(back.query, new_query);
    assert_eq!(back.id, r.id);
    assert_eq!(back.name, r.name);
    assert_eq!(back.description, r.description);
    assert_eq!(back.required_data_connectors, r.required_data_connectors);
}

#[test]
fn with_query_on_an_lf_pack_rule_keeps_the_fields_after_the_query() {
    let path = pack_dir().join("rmm_AnyDesk_filesig.yaml");
    let r = load_file(&path).expect("loads");
    assert_eq!(r.with_query(&r.query), r.raw);
    let new_query = "DeviceFileCertificateInfo\n| where Signer has 'AnyDesk'\n| take 10";
    let out = r.with_query(new_query);
    assert!(!out.contains('\r'));
    let (first, end_old, end_new) = diff_window(&r.raw, &out);
    // The query block is lines query_line.. up to `version:`; the changed window lies inside it.
    let raw_lines: Vec<&str> = r.raw.split('\n').collect();
    let version_idx = raw_lines
        .iter()
        .position(|l| l.starts_with("version:"))
        .expect("version line");
    assert!(
        first >= r.query_line - 1 && end_old <= version_idx,
        "{first}..{end_old}"
    );
    assert!(
        out.ends_with("  | take 10\nversion: 1.0.0\ntags:\n- huntbench-rmm-pack\n"),
        "{out}"
    );
    assert_eq!(end_new - first, 3);
    let back = huntbench::rules::parse_rule(path, out).expect("parses");
    assert_eq!(back.query, format!("{new_query}\n"));
    assert_eq!(back.doc.len(), r.doc.len());
    assert_eq!(back.get("tags"), r.get("tags"));
}

#[test]
fn with_query_edge_cases() {
    let r = load_file(fixtures().join("good/extra_fields.yaml")).expect("loads");
    // A first line starting with a space needs an indentation indicator.
    let out = r.with_query("  T\n| take 1\n");
    assert!(
        out.contains("query: |2\n    T\n  | take 1\nentityMappings:"),
        "{out}"
    );
    let back = huntbench::rules::parse_rule(r.path.clone(), out).expect("parses");
    assert_eq!(back.query, "  T\n| take 1\n");
    // CRLF input counts as LF; trailing newlines are the block's business.
    let out = r.with_query("A\r\nB\r\n\r\n");
    let back = huntbench::rules::parse_rule(r.path.clone(), out).expect("parses");
    assert_eq!(back.query, "A\nB\n");
    // Control characters cannot live in a literal block: a double-quoted scalar takes its place.
    let out = r.with_query("T | where x == \"\u{1b}\"");
    assert!(
        out.contains("query: \"T | where x == \\\"\\x1b\\\"\"\nentityMappings:"),
        "{out}"
    );
    let back = huntbench::rules::parse_rule(r.path.clone(), out).expect("parses");
    assert_eq!(back.query, "T | where x == \"\u{1b}\"");
    assert_eq!(back.keys(), r.keys());
    // An empty query.
    let out = r.with_query("");
    let back = huntbench::rules::parse_rule(r.path.clone(), out).expect("parses");
    assert_eq!(back.query, "");
}

#[test]
fn listing_table_fits_and_escapes() {
    let report = load_path(manifest().join("rules"));
    let n = report.rules.len();
    let text = rules_cmd::render_table(&report, Some(80));
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    assert!(text.starts_with("ID"));
    // At 80 columns the id column keeps an 8-character prefix; the name keeps the most room.
    assert!(text.contains("a8c85d8f…"), "{text}");
    let wide = rules_cmd::render_table(&report, Some(200));
    assert!(
        wide.contains("a8c85d8f-1bb0-4c0e-8983-de136a7bf2e6"),
        "{wide}"
    );
    // Long names are cut in the middle, keeping the tool and kind at the end.
    assert!(
        text.contains("Remote Ma… - Action1 - Create Process"),
        "{text}"
    );
    assert!(text.ends_with(&format!("{n} rules, 0 load errors\n")));
    // Unlimited width: full names.
    let unlimited = rules_cmd::render_table(&report, None);
    assert!(
        unlimited.contains("Remote Management and Monitoring tool - SupRemo - Network Connection")
    );
    assert!(unlimited.contains("DeviceNetworkEvents"));

    let hostile = load_path(fixtures().join("hostile"));
    assert_eq!(hostile.rules.len(), 1);
    assert_eq!(
        hostile.rules[0].name.as_deref(),
        Some("Evil \u{1b}[31mred\u{1b}[0m name \u{202e}evil")
    );
    for out in [
        rules_cmd::render_table(&hostile, Some(200)),
        rules_cmd::render_json(&hostile),
    ] {
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\u{7}'),
            "{out}"
        );
    }
    let t = rules_cmd::render_table(&hostile, Some(200));
    assert!(
        t.contains("Evil \\u{1b}[31mred\\u{1b}[0m name \\u{202e}evil"),
        "{t}"
    );
    assert!(t.contains("Exec\\u{7}ution"), "{t}");
    let j: serde_json::Value =
        serde_json::from_str(&rules_cmd::render_json(&hostile)).expect("valid JSON");
    assert_eq!(
        j["rules"][0]["name"].as_str(),
        Some("Evil \u{1b}[31mred\u{1b}[0m name \u{202e}evil")
    );
}

#[test]
fn listing_errors_and_exit_codes() {
    let report = load_path(fixtures().join("bad"));
    let text = rules_cmd::render_table(&report, Some(100));
    // Errors are whole `file:line:col: message` lines, even past the width.
    assert!(text.contains("bad_indent.yaml:5:3: did not find expected comment or line break, while scanning a block scalar at line 5 column 1\n"), "{text}");
    assert!(text.contains("garbage.yaml:3:1: binary data"), "{text}");
    assert_eq!(text.lines().count(), 8);
    assert!(text.ends_with("0 rules, 7 load errors\n"), "{text}");
    let j: serde_json::Value =
        serde_json::from_str(&rules_cmd::render_json(&report)).expect("valid JSON");
    assert_eq!(j["summary"]["errors"].as_u64(), Some(7));
    assert_eq!(j["errors"].as_array().map(|a| a.len()), Some(7));

    let run = |dirs: Vec<PathBuf>, format| {
        let mut buf = Vec::new();
        let code = rules_cmd::run_to(&rules_cmd::RulesArgs { dirs, format }, &mut buf, Some(100));
        (code, String::from_utf8(buf).expect("UTF-8 output"))
    };
    let (code, out) = run(vec![fixtures().join("bad")], rules_cmd::RulesFormat::Json);
    assert_eq!(code, Ok(1));
    assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
    let (code, out) = run(
        vec![manifest().join("rules")],
        rules_cmd::RulesFormat::Table,
    );
    assert_eq!(code, Ok(0));
    assert!(out.ends_with(" rules, 0 load errors\n"));
    // Several paths merge; a missing path is a load error.
    let (code, out) = run(
        vec![fixtures().join("good"), fixtures().join("does-not-exist")],
        rules_cmd::RulesFormat::Table,
    );
    assert_eq!(code, Ok(1));
    assert!(out.contains("does-not-exist:1:1: cannot read: "), "{out}");
    assert!(out.ends_with("3 rules, 1 load error\n"), "{out}");
    assert!(
        rules_cmd::default_rules_dir()
            .is_some_and(|d| d.join("rmm_SupRemo_filesig.yaml").is_file())
    );
}

#[test]
fn rules_args_parse_with_clap() {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: rules_cmd::RulesArgs,
    }
    let c = Cli::try_parse_from(["huntbench", "--format", "json", "a", "b"]).expect("parses");
    assert_eq!(c.args.dirs, [PathBuf::from("a"), PathBuf::from("b")]);
    assert_eq!(c.args.format, rules_cmd::RulesFormat::Json);
    let c = Cli::try_parse_from(["huntbench"]).expect("parses");
    assert!(c.args.dirs.is_empty());
    assert_eq!(c.args.format, rules_cmd::RulesFormat::Table);
    assert!(Cli::try_parse_from(["huntbench", "--format", "xml"]).is_err());
}

/// Mangled rule files never panic the loader, and whenever one loads, replacing its query gives a file that
/// parses back to the same fields and the new query.
#[test]
fn mangled_files_never_panic_and_with_query_round_trips() {
    let mut seeds: Vec<String> = Vec::new();
    for (f, _, _) in SEEDS {
        seeds.push(std::fs::read_to_string(manifest().join("rules").join(f)).expect("seed"));
    }
    for f in ["good/extra_fields.yaml", "good/crlf_indent2.yaml"] {
        seeds.push(std::fs::read_to_string(fixtures().join(f)).expect("fixture"));
    }
    let inserts = [
        "\t", "\r", "\n", " ", "  ", "\u{feff}", "|", ">", "#", ":", "'", "\"", "-", "é", "\u{0}",
        "---\n",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    let mut loaded = 0;
    for round in 0..3000 {
        let base = &seeds[round % seeds.len()];
        let mut text = base.clone();
        for _ in 0..1 + next() % 3 {
            let mut at = next() % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match next() % 3 {
                0 => text.insert_str(at, inserts[next() % inserts.len()]),
                1 => {
                    let mut end = (at + 1 + next() % 8).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => text.truncate(at),
            }
        }
        let Ok(rule) = huntbench::rules::parse_rule(PathBuf::from("m.yaml"), text) else {
            continue;
        };
        loaded += 1;
        let _ = rule.file_position(3, 4);
        let new_query = "DeviceEvents\n  | take 1\n\n| where x has 'y'";
        let out = rule.with_query(new_query);
        let back = huntbench::rules::parse_rule(PathBuf::from("m.yaml"), out).unwrap_or_else(|e| {
            panic!(
                "round {round}: with_query output does not load: {e}\n{:?}",
                rule.raw
            )
        });
        assert_eq!(
            back.query.trim_end_matches('\n'),
            new_query,
            "round {round}: {:?}",
            rule.raw
        );
        assert_eq!(back.keys(), rule.keys(), "round {round}");
        assert_eq!(back.id, rule.id, "round {round}");
        assert_eq!(back.name, rule.name, "round {round}");
        assert_eq!(back.description, rule.description, "round {round}");
        assert_eq!(back.tactics, rule.tactics, "round {round}");
    }
    assert!(loaded > 500, "only {loaded} mangled files loaded");
}
