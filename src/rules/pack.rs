//! huntbench's RMM rule pack (`rules/rmm-pack/`), generated from the tool facts in
//! `shared/reference/rmm_tools.json`.
//!
//! The committed files are the product; this module is how they were made and how a test checks that they
//! still follow from the facts. Rule ids are not derived: each rule got a fresh GUID once, and regenerating
//! passes the committed ids back in (`ids`, keyed by file name) so they never change.
//!
//! Per tool, up to three rules in the shape of the upstream Azure-Sentinel RMM rules (same header fields, the
//! same `let Time_start = now(-5d); ...` preamble and `summarize` tail):
//! - file signature: `DeviceFileCertificateInfo | where Signer has_any (<signers>)`;
//! - network connection: `DeviceNetworkEvents | where RemoteUrl has_any (<domains>)`, plus
//!   `and InitiatingProcessVersionInfoCompanyName has_any (<company names>)` when the facts have company names;
//! - process creation: `DeviceProcessEvents | where FileName in~ (<exe names>)`, `and
//!   ProcessVersionInfoCompanyName has_any (<company names>)` when both are known (either one alone otherwise).
//!
//! Rules the seed files already provide are not generated; a kind is skipped when the facts are too thin, and
//! the pack's README says which and why.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

/// The three rule kinds, named as in the upstream file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleKind {
    FileSignature,
    NetworkConnection,
    ProcessCreation,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [
        RuleKind::FileSignature,
        RuleKind::NetworkConnection,
        RuleKind::ProcessCreation,
    ];

    /// The file-name suffix: `filesig`, `netconn`, `createproc`.
    pub fn suffix(self) -> &'static str {
        match self {
            RuleKind::FileSignature => "filesig",
            RuleKind::NetworkConnection => "netconn",
            RuleKind::ProcessCreation => "createproc",
        }
    }
    /// The rule-name suffix, as upstream: `File Signature`, `Network Connection`, `Create Process`.
    pub fn title(self) -> &'static str {
        match self {
            RuleKind::FileSignature => "File Signature",
            RuleKind::NetworkConnection => "Network Connection",
            RuleKind::ProcessCreation => "Create Process",
        }
    }
    pub fn table(self) -> &'static str {
        match self {
            RuleKind::FileSignature => "DeviceFileCertificateInfo",
            RuleKind::NetworkConnection => "DeviceNetworkEvents",
            RuleKind::ProcessCreation => "DeviceProcessEvents",
        }
    }
}

/// The five seed rules shipped in `rules/` (upstream files): tool (as named in rmm_tools.json), kind, file.
pub const SEED_RULES: [(&str, RuleKind, &str); 5] = [
    (
        "SupRemo",
        RuleKind::FileSignature,
        "rmm_SupRemo_filesig.yaml",
    ),
    (
        "SupRemo",
        RuleKind::NetworkConnection,
        "rmm_SupRemo_netconn.yaml",
    ),
    (
        "Action1",
        RuleKind::FileSignature,
        "rmm_Action1_filesig.yaml",
    ),
    (
        "NetSupport Manager",
        RuleKind::FileSignature,
        "rmm_NetSupport_filesig.yaml",
    ),
    (
        "RemotePC",
        RuleKind::FileSignature,
        "rmm_RemotePC_filesig.yaml",
    ),
];

/// The tag every pack rule carries.
pub const PACK_TAG: &str = "huntbench-rmm-pack";

#[derive(Debug, Deserialize)]
struct ToolFacts {
    tool: String,
    #[serde(default)]
    signers: Vec<String>,
    #[serde(default)]
    exe_names: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    company_names: Vec<String>,
}

/// One generated file: a rule (`rmm_<Tool>_<kind>.yaml`) or the pack's `README.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackFile {
    pub file_name: String,
    pub contents: String,
}

/// What the generator decided for one tool and kind.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Rule { file: String, basis: String },
    Seed { file: String },
    Skipped { reason: String },
}

/// The short tool name used in file names (upstream style: `rmm_AnyDesk_filesig.yaml`).
pub fn short_name(tool: &str) -> String {
    match tool {
        "NetSupport Manager" => return "NetSupport".into(),
        "N-able" => return "NAble".into(),
        _ => {}
    }
    let base = tool.split(" (").next().unwrap_or(tool);
    let base = base.split(" / ").next().unwrap_or(base);
    base.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// KQL `has` (case-insensitive): `needle` occurs in `hay` not glued to more letters or digits on either side
/// (shared/reference/KQL_SEMANTICS.md §4.1). Used to drop list entries another entry already matches.
pub fn kql_has(hay: &str, needle: &str) -> bool {
    let h: Vec<char> = hay.to_lowercase().chars().collect();
    let n: Vec<char> = needle.to_lowercase().chars().collect();
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    let alnum = |c: char| c.is_alphanumeric();
    (0..=h.len() - n.len()).any(|i| {
        h[i..i + n.len()] == n[..]
            && (!alnum(n[0]) || i == 0 || !alnum(h[i - 1]))
            && (!alnum(n[n.len() - 1]) || i + n.len() == h.len() || !alnum(h[i + n.len()]))
    })
}

fn dedup_ci(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in items {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.to_string());
        }
    }
    out
}

/// RemoteUrl terms from the facts' domains: `*.` prefixes stripped, entries with other wildcards or patterns
/// dropped (`has_any` cannot express them), duplicates and entries another entry already matches under `has`
/// dropped (`server.action1.com` adds nothing to `action1.com`). Returns the terms and notes on what was dropped.
fn domain_terms(domains: &[String]) -> (Vec<String>, Vec<String>) {
    let mut candidates = Vec::new();
    let mut patterns = Vec::new();
    for d in domains {
        let d = d.trim();
        let stripped = d.strip_prefix("*.").unwrap_or(d);
        if !stripped.is_empty()
            && stripped
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            candidates.push(stripped.to_ascii_lowercase());
        } else {
            patterns.push(d.to_string());
        }
    }
    let candidates = dedup_ci(&candidates);
    let kept: Vec<String> = candidates
        .iter()
        .filter(|b| !candidates.iter().any(|a| a != *b && kql_has(b, a)))
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let covered: Vec<String> = candidates
        .iter()
        .filter(|c| !kept.contains(c))
        .map(|c| match kept.iter().find(|k| kql_has(c, k)) {
            Some(k) => format!("`{c}` (through `{k}`)"),
            None => format!("`{c}`"),
        })
        .collect();
    if !covered.is_empty() {
        notes.push(format!(
            "not listed, as `has` already matches them through another entry: {}",
            covered.join(", ")
        ));
    }
    for p in patterns {
        match kept.iter().find(|k| kql_has(&p, k)) {
            Some(k) => notes.push(format!(
                "`{p}` is a pattern; dropped, still matched through `{k}`"
            )),
            None => notes.push(format!(
                "`{p}` is a pattern `has_any` cannot express; dropped"
            )),
        }
    }
    (kept, notes)
}

/// Executable names: `.exe` only (a process's FileName is never an `.msi` or `.dll`), duplicates dropped.
fn exe_terms(exes: &[String]) -> (Vec<String>, Vec<String>) {
    let mut kept = Vec::new();
    let mut notes = Vec::new();
    for e in dedup_ci(exes) {
        if e.to_ascii_lowercase().ends_with(".exe") {
            kept.push(e);
        } else {
            notes.push(format!(
                "`{e}` is not an .exe (never a process FileName); dropped"
            ));
        }
    }
    (kept, notes)
}

/// A KQL single-quoted string literal.
fn kql_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `(a, b)` on one line, or one item per line when long (the upstream netconn layout).
fn kql_list(items: &[String], force_multiline: bool, prefix_len: usize) -> String {
    let quoted: Vec<String> = items.iter().map(|s| kql_str(s)).collect();
    let one_line = format!("({})", quoted.join(", "));
    if !force_multiline && prefix_len + one_line.len() <= 130 {
        return one_line;
    }
    let mut out = String::from("(\n");
    for (i, q) in quoted.iter().enumerate() {
        out.push_str("        ");
        out.push_str(q);
        if i + 1 < quoted.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("    )");
    out
}

/// A YAML plain scalar when safe, single-quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let risky = s.is_empty()
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        || s.ends_with(char::is_whitespace);
    if risky {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        s.to_string()
    }
}

const PREAMBLE: &str = "let Time_start = now(-5d);\nlet Time_end = now();\n//\n";

fn summarize_tail(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::NetworkConnection => {
            "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName,\n    RemoteUrl\n"
        }
        _ => {
            "| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n"
        }
    }
}

/// The rule's query and a one-line description of what it matches; `None` (with the reason) when the facts
/// are too thin for this kind.
fn build_query(f: &ToolFacts, kind: RuleKind) -> Result<(String, String, Vec<String>), String> {
    let companies = dedup_ci(&f.company_names);
    let mut notes = Vec::new();
    let filter = match kind {
        RuleKind::FileSignature => {
            let signers = dedup_ci(&f.signers);
            if signers.is_empty() {
                return Err("no signer in the facts".into());
            }
            let basis = format!("signers {}", join_ticks(&signers));
            (
                format!("| where Signer has_any {}\n", kql_list(&signers, false, 24)),
                basis,
            )
        }
        RuleKind::NetworkConnection => {
            let (domains, n) = domain_terms(&f.domains);
            notes.extend(n);
            if domains.is_empty() {
                return Err("no usable domain in the facts".into());
            }
            let mut s = format!(
                "| where RemoteUrl has_any {}\n",
                kql_list(&domains, true, 0)
            );
            let mut basis = format!("domains {}", join_ticks(&domains));
            if !companies.is_empty() {
                let prefix = "    and InitiatingProcessVersionInfoCompanyName has_any ";
                s.push_str(&format!(
                    "{prefix}{}\n",
                    kql_list(&companies, false, prefix.len())
                ));
                basis.push_str(&format!(
                    "; initiating process company {}",
                    join_ticks(&companies)
                ));
            } else {
                basis.push_str("; no company name in the facts, so any process");
            }
            (s, basis)
        }
        RuleKind::ProcessCreation => {
            let (exes, n) = exe_terms(&f.exe_names);
            notes.extend(n);
            let company_prefix = "ProcessVersionInfoCompanyName has_any ";
            match (exes.is_empty(), companies.is_empty()) {
                (true, true) => {
                    return Err("no executable name and no company name in the facts".into());
                }
                (false, true) => (
                    format!("| where FileName in~ {}\n", kql_list(&exes, false, 24)),
                    format!(
                        "executables {}; no company name in the facts",
                        join_ticks(&exes)
                    ),
                ),
                (true, false) => (
                    format!(
                        "| where {company_prefix}{}\n",
                        kql_list(&companies, false, 45)
                    ),
                    format!(
                        "company {}; no executable name in the facts",
                        join_ticks(&companies)
                    ),
                ),
                (false, false) => (
                    format!(
                        "| where FileName in~ {}\n    and {company_prefix}{}\n",
                        kql_list(&exes, false, 24),
                        kql_list(&companies, false, 45)
                    ),
                    format!(
                        "executables {} and company {}",
                        join_ticks(&exes),
                        join_ticks(&companies)
                    ),
                ),
            }
        }
    };
    let (filter, basis) = filter;
    let query = format!(
        "{PREAMBLE}{}\n| where Timestamp between (Time_start..Time_end)\n{filter}{}",
        kind.table(),
        summarize_tail(kind)
    );
    Ok((query, basis, notes))
}

fn join_ticks(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn description_line(tool: &str, kind: RuleKind, has_company: bool) -> String {
    match kind {
        RuleKind::FileSignature => {
            format!(
                "Finds files signed with {tool}'s code-signing certificates (DeviceFileCertificateInfo.Signer)."
            )
        }
        RuleKind::NetworkConnection if has_company => format!(
            "Finds connections to {tool} domains made by processes whose version info names {tool}'s publisher."
        ),
        RuleKind::NetworkConnection => {
            format!("Finds connections to {tool} domains (by any process).")
        }
        RuleKind::ProcessCreation => {
            format!("Finds {tool} processes by executable name and publisher.")
        }
    }
}

fn rule_file(id: &str, tool: &str, kind: RuleKind, query: &str, has_company: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "id: {id}");
    let _ = writeln!(
        s,
        "name: {}",
        yaml_scalar(&format!(
            "Remote Management and Monitoring tool - {tool} - {}",
            kind.title()
        ))
    );
    s.push_str("description: |\n");
    s.push_str("    Remote Monitoring and Management (RMM) programs are used by IT to manage remote endpoints. Attackers have begun to abuse these programs to persist or provide C2 channels.\n");
    let _ = writeln!(s, "    {}", description_line(tool, kind, has_company));
    s.push_str("    huntbench RMM pack, built from the facts in shared/reference/rmm_tools.json (LOLRMM, jischell-msft/RemoteManagementMonitoringTools).\n");
    s.push_str("    https://github.com/jischell-msft/RemoteManagementMonitoringTools\n");
    s.push_str("requiredDataConnectors:\n- connectorId: MicrosoftThreatProtection\n  dataTypes:\n");
    let _ = writeln!(s, "  - {}", kind.table());
    s.push_str("tactics: CommandAndControl\nrelevantTechniques: T1219\nquery: |\n");
    for line in query.lines() {
        if line.is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "  {line}");
        }
    }
    s.push_str("version: 1.0.0\ntags:\n");
    let _ = writeln!(s, "- {PACK_TAG}");
    s
}

/// Generates the pack: every rule file (sorted by name), then `README.md`. `ids` maps file names to the ids
/// already committed; `new_id` is called for a rule that has none yet.
pub fn generate(
    facts_json: &str,
    ids: &BTreeMap<String, String>,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<PackFile>, String> {
    let facts: Vec<ToolFacts> =
        serde_json::from_str(facts_json).map_err(|e| format!("rmm_tools.json: {e}"))?;
    let mut files = Vec::new();
    let mut table: Vec<(String, Vec<Outcome>)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    // Signer sets already used by an earlier tool's file-signature rule (ConnectWise signs two products).
    let mut signer_sets: Vec<(Vec<String>, String)> = Vec::new();
    let mut counts: BTreeMap<RuleKind, usize> = BTreeMap::new();

    for f in &facts {
        let short = short_name(&f.tool);
        let mut row = Vec::new();
        for kind in RuleKind::ALL {
            if let Some((_, _, seed)) = SEED_RULES
                .iter()
                .find(|(t, k, _)| *t == f.tool && *k == kind)
            {
                row.push(Outcome::Seed {
                    file: (*seed).to_string(),
                });
                continue;
            }
            if kind == RuleKind::FileSignature {
                let mut set: Vec<String> = dedup_ci(&f.signers)
                    .iter()
                    .map(|s| s.to_lowercase())
                    .collect();
                set.sort();
                if let Some((_, other)) = signer_sets
                    .iter()
                    .find(|(s, _)| !set.is_empty() && *s == set)
                {
                    row.push(Outcome::Skipped {
                        reason: format!(
                            "same signers as {other}, whose file-signature rule covers them"
                        ),
                    });
                    continue;
                }
                signer_sets.push((set, f.tool.clone()));
            }
            match build_query(f, kind) {
                Err(reason) => row.push(Outcome::Skipped { reason }),
                Ok((query, basis, n)) => {
                    let file = format!("rmm_{short}_{}.yaml", kind.suffix());
                    let id = ids.get(&file).cloned().unwrap_or_else(&mut *new_id);
                    let has_company = !dedup_ci(&f.company_names).is_empty();
                    files.push(PackFile {
                        file_name: file.clone(),
                        contents: rule_file(&id, &f.tool, kind, &query, has_company),
                    });
                    for note in n {
                        notes.push((f.tool.clone(), note));
                    }
                    *counts.entry(kind).or_default() += 1;
                    row.push(Outcome::Rule { file, basis });
                }
            }
        }
        table.push((f.tool.clone(), row));
    }
    files.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    files.push(PackFile {
        file_name: "README.md".into(),
        contents: readme(facts.len(), &table, &notes, &counts),
    });
    Ok(files)
}

fn readme(
    tools: usize,
    table: &[(String, Vec<Outcome>)],
    notes: &[(String, String)],
    counts: &BTreeMap<RuleKind, usize>,
) -> String {
    let n = |k| counts.get(&k).copied().unwrap_or(0);
    let total: usize = counts.values().sum();
    let mut s = String::new();
    s.push_str("# huntbench RMM rule pack\n\n");
    let _ = writeln!(
        s,
        "{total} Sentinel hunting rules for {tools} remote monitoring and management (RMM) tools: {} file-signature, {} network-connection and {} process-creation rules. They use the Sentinel YAML format and the query shape of the five upstream seed rules in `../` (`let Time_start = now(-5d); ...`, then `summarize FirstSeen, LastSeen, Report, Count by DeviceId, DeviceName`), and carry `version: 1.0.0` and the tag `{PACK_TAG}`.",
        n(RuleKind::FileSignature),
        n(RuleKind::NetworkConnection),
        n(RuleKind::ProcessCreation)
    );
    s.push('\n');
    s.push_str("Every value comes from `shared/reference/rmm_tools.json` (see `RMM_FACTS.md` there; LOLRMM, Apache-2.0, and jischell-msft/RemoteManagementMonitoringTools, MIT). The files are generated by `huntbench::rules::pack::generate`; `cargo test --test rules rmm_pack` checks that they still follow from the facts, and `HUNTBENCH_WRITE_RMM_PACK=1 cargo test --test rules rmm_pack` rewrites them, keeping each rule's id (a GUID made once, when the rule was first generated).\n\n");
    s.push_str("## What the rules match\n\n");
    s.push_str("- **File signature** (`rmm_<Tool>_filesig.yaml`): `DeviceFileCertificateInfo | where Signer has_any (<signers>)`, the `signers` facts (certificate subject CNs, or jischell's signer substrings where no certificate was decoded). No rule when the facts have no signer.\n");
    s.push_str("- **Network connection** (`rmm_<Tool>_netconn.yaml`): `DeviceNetworkEvents | where RemoteUrl has_any (<domains>)`, the `domains` facts with `*.` prefixes stripped, `and InitiatingProcessVersionInfoCompanyName has_any (<company_names>)` when the facts have company names. `has` matches whole terms, so `anydesk.com` already matches `boot.net.anydesk.com`: entries another entry already matches are left out (same matches, shorter list: `systemmonitor.us` also matches `systemmonitor.us.cdn.cloudflare.net`), and patterns `has_any` cannot express (inner `*`, regexes, ports) are dropped, as listed below. `by` adds `RemoteUrl`, as upstream.\n");
    s.push_str("- **Process creation** (`rmm_<Tool>_createproc.yaml`): `DeviceProcessEvents | where FileName in~ (<exe_names>)`, `and ProcessVersionInfoCompanyName has_any (<company_names>)` when both are known, either one alone otherwise. Both together keep each rule to its own tool (ConnectWise, Kaseya and IDrive each publish several products, and names like `client32.exe` or `level.exe` are not unique); a renamed executable is the file-signature and network rules' job. Only `.exe` names are used (a process FileName is never an `.msi` or `.dll`).\n\n");
    s.push_str("The seed rules (upstream Azure-Sentinel files in `../`) are not duplicated: the pack has no SupRemo file-signature or network rule and no Action1, NetSupport or RemotePC file-signature rule.\n\n");
    s.push_str("## Rules per tool\n\n");
    s.push_str(
        "| Tool | File signature | Network connection | Process creation |\n|---|---|---|---|\n",
    );
    for (tool, row) in table {
        let cells: Vec<String> = row
            .iter()
            .map(|o| match o {
                Outcome::Rule { file, basis } => format!("`{file}`: {basis}"),
                Outcome::Seed { file } => format!("seed `../{file}`"),
                Outcome::Skipped { reason } => format!("none: {reason}"),
            })
            .map(|c| c.replace('|', "\\|"))
            .collect();
        let _ = writeln!(s, "| {tool} | {} |", cells.join(" | "));
    }
    if !notes.is_empty() {
        s.push_str("\n## Facts left out\n\n");
        for (tool, note) in notes {
            let _ = writeln!(s, "- {tool}: {note}.");
        }
    }
    s.push_str("\n## Facts to review\n\n");
    s.push_str("- FleetDeck's domains include `fleetdm.com`, which is Fleet Device Management (osquery), another product. The network rule also requires a FleetDeck company name on the initiating process, so it does not fire on Fleet's own traffic.\n");
    s.push_str("- RustDesk and MeshCentral have no company name in the facts: their network rules match any process talking to the domains, and MeshCentral is mostly self-hosted, so `meshcentral.com` finds only the public server.\n");
    s.push_str("- Signers given as jischell substrings rather than certificate CNs (Kaseya VSA `Kaseya`, MeshCentral `meshcentral`, Tactical RMM, Ammyy) match more loosely; `Kaseya` also matches Pulseway's `Kaseya Holdings Inc.`.\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_semantics_from_the_reference() {
        // Examples from shared/reference/KQL_SEMANTICS.md §4.1.
        assert!(kql_has(
            "https://www.supremocontrol.com/x",
            "supremocontrol.com"
        ));
        assert!(!kql_has("notsupremocontrol.com", "supremocontrol.com"));
        assert!(!kql_has("supremocontrol.community", "supremocontrol.com"));
        assert!(kql_has("version=1.2.3", "2.3"));
        assert!(!kql_has("1_2_3", "2.3"));
        assert!(kql_has("HELLO", "hello"));
        assert!(!kql_has("helloworld", "hello"));
    }

    #[test]
    fn domains_are_stripped_pruned_and_patterns_dropped() {
        let d: Vec<String> = [
            "*.action1.com",
            "a1-backend-packages.s3.amazonaws.com",
            "server.action1.com",
        ]
        .map(String::from)
        .to_vec();
        let (kept, notes) = domain_terms(&d);
        assert_eq!(
            kept,
            vec!["action1.com", "a1-backend-packages.s3.amazonaws.com"]
        );
        assert_eq!(notes.len(), 1);
        let d: Vec<String> = [
            "relay-[a-f0-9]{8}.net.anydesk.com:443",
            "*.anydesk.com",
            "pdqinstallers.*.r2.x.com",
        ]
        .map(String::from)
        .to_vec();
        let (kept, notes) = domain_terms(&d);
        assert_eq!(kept, vec!["anydesk.com"]);
        assert!(notes[0].contains("still matched through `anydesk.com`"));
        assert!(notes[1].contains("cannot express"));
    }

    #[test]
    fn short_names() {
        assert_eq!(
            short_name("ScreenConnect / ConnectWise Control"),
            "ScreenConnect"
        );
        assert_eq!(short_name("NinjaOne (NinjaRMM)"), "NinjaOne");
        assert_eq!(short_name("Datto RMM (CentraStage)"), "DattoRMM");
        assert_eq!(short_name("NetSupport Manager"), "NetSupport");
        assert_eq!(short_name("N-able"), "NAble");
    }

    #[test]
    fn quoting() {
        assert_eq!(kql_str("it's"), "'it\\'s'");
        assert_eq!(yaml_scalar("a - b"), "a - b");
        assert_eq!(yaml_scalar("a: b"), "'a: b'");
    }
}
