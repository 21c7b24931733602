//! Planted events: true positives of the five seed rules, one file-signature, network and process event
//! per RMM tool (for a rule pack written from the same facts), near-misses and a known false positive.
//! Every plant is listed in the manifest with what a rule must make of it.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use super::Gen;
use super::events::{Proc, RunAs};
use super::facts::RmmTool;
use super::tables::{RowB, Val};
use super::world::{Binary, DeviceKind};
use crate::data::time::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND, format_datetime_iso,
};

pub const SUPREMO_FILESIG: &str = "rmm_SupRemo_filesig.yaml";
pub const SUPREMO_NETCONN: &str = "rmm_SupRemo_netconn.yaml";
pub const ACTION1_FILESIG: &str = "rmm_Action1_filesig.yaml";
pub const NETSUPPORT_FILESIG: &str = "rmm_NetSupport_filesig.yaml";
pub const REMOTEPC_FILESIG: &str = "rmm_RemotePC_filesig.yaml";

pub const TRUE_POSITIVE: &str = "true_positive";
pub const NEAR_MISS: &str = "near_miss";
pub const FALSE_POSITIVE: &str = "false_positive";

/// One planted event, as the manifest lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Plant {
    pub id: String,
    pub category: &'static str,
    pub tool: String,
    /// The upstream rule file it targets, or `rmm-pack:<tool>:<kind>` (kinds: filesig, netconn, createproc,
    /// filewrite).
    pub rule: String,
    pub table: &'static str,
    pub device_id: String,
    pub device_name: String,
    pub report_id: i64,
    pub timestamp: String,
    /// The key columns of the row.
    pub fields: Map<String, Value>,
    /// Must `rule` match this row?
    pub expect_match: bool,
    /// The seed rules (of the five) that match this row. Exactly these plants match the seed rules: no
    /// background row does.
    pub seed_rule_matches: Vec<String>,
    pub note: String,
    #[serde(skip)]
    pub ticks: i64,
}

/// What a plant is.
struct Spec<'a> {
    category: &'static str,
    tool: &'a str,
    rule: String,
    expect_match: bool,
    seed: &'a [&'a str],
    note: String,
}

const KEY_FIELDS: &[(&str, &[&str])] = &[
    (
        "DeviceFileCertificateInfo",
        &[
            "SHA1",
            "Signer",
            "Issuer",
            "CertificateSerialNumber",
            "SignatureType",
            "IsSigned",
            "IsTrusted",
        ],
    ),
    (
        "DeviceNetworkEvents",
        &[
            "ActionType",
            "RemoteUrl",
            "RemoteIP",
            "RemotePort",
            "InitiatingProcessFileName",
            "InitiatingProcessVersionInfoCompanyName",
            "InitiatingProcessVersionInfoProductName",
            "InitiatingProcessSHA1",
        ],
    ),
    (
        "DeviceProcessEvents",
        &[
            "ActionType",
            "FileName",
            "FolderPath",
            "SHA1",
            "ProcessVersionInfoCompanyName",
            "ProcessVersionInfoProductName",
            "ProcessCommandLine",
            "InitiatingProcessFileName",
        ],
    ),
    (
        "DeviceFileEvents",
        &[
            "ActionType",
            "FileName",
            "FolderPath",
            "SHA1",
            "FileOriginUrl",
            "InitiatingProcessFileName",
        ],
    ),
];

fn val_json(v: &Val) -> Value {
    match v {
        Val::Empty => Value::Null,
        Val::Str(s) => Value::String(s.clone()),
        Val::Long(n) => Value::from(*n),
        Val::Bool(b) => Value::Bool(*b),
        Val::Time(t) => Value::String(format_datetime_iso(*t).unwrap_or_default()),
    }
}

/// A folder for a tool's executables.
fn tool_folder(tool: &str) -> String {
    let word: String = tool
        .split([' ', '/', '('])
        .next()
        .unwrap_or(tool)
        .chars()
        .filter(|c| *c != '.')
        .collect();
    format!(r"C:\Program Files\{word}\")
}

/// A concrete host for a domain pattern from the facts: `*.` becomes a plausible host label, inner `*` a
/// token, `[a-f0-9]{8}` eight hex digits; a `:port` suffix is split off.
pub fn resolve_domain(pattern: &str, label: &str, hex8: &str) -> (String, Option<i64>) {
    let (host, port) = match pattern.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h, p.parse().ok()),
        _ => (pattern, None),
    };
    let mut h = host.replace("[a-f0-9]{8}", hex8);
    if let Some(rest) = h.strip_prefix("*.") {
        h = format!("{label}.{rest}");
    }
    (h.replace('*', "01"), port)
}

impl Gen<'_> {
    /// A time `hours` before the reference time, moved back by up to 20 minutes, with sub-second ticks.
    fn ago(&mut self, hours: f64) -> i64 {
        let base = self.reference - (hours * TICKS_PER_HOUR as f64) as i64;
        base - self.rng.range(0, 20 * TICKS_PER_MINUTE)
    }

    fn add_plant(&mut self, row: RowB, spec: Spec) -> usize {
        let mut fields = Map::new();
        if let Some((_, cols)) = KEY_FIELDS.iter().find(|(t, _)| *t == row.table) {
            for c in *cols {
                if let Some(v) = row.get(c) {
                    fields.insert(c.to_string(), val_json(v));
                }
            }
        }
        let table = row.table;
        let key = self.tables.add(row);
        let d = self
            .world
            .devices
            .iter()
            .position(|x| x.id == key.device_id)
            .unwrap_or(0);
        let plant = Plant {
            id: format!("P{:03}", self.plants.len() + 1),
            category: spec.category,
            tool: spec.tool.to_string(),
            rule: spec.rule,
            table,
            device_id: key.device_id.clone(),
            device_name: self.world.devices[d].name.clone(),
            report_id: key.report_id,
            timestamp: format_datetime_iso(key.timestamp).unwrap_or_default(),
            fields,
            expect_match: spec.expect_match,
            seed_rule_matches: spec.seed.iter().map(|s| s.to_string()).collect(),
            note: spec.note,
            ticks: key.timestamp,
        };
        self.plants.push(plant);
        self.plants.len() - 1
    }

    /// Registers a tool executable (stable hashes; signed by certificate `cert`).
    fn tool_binary(
        &mut self,
        file: &str,
        folder: &str,
        company: &str,
        product: &str,
        cert: Option<usize>,
    ) -> usize {
        let version = format!(
            "{}.{}.{}.{}",
            self.rng.range(1, 25),
            self.rng.range(0, 10),
            self.rng.range(0, 100),
            self.rng.range(0, 9999)
        );
        let b = Binary {
            file_name: file.to_string(),
            folder: folder.to_string(),
            sha1: self.rng.hex(40),
            sha256: self.rng.hex(64),
            md5: self.rng.hex(32),
            size: self.rng.range(1_000_000, 60_000_000),
            company: company.to_string(),
            product: product.to_string(),
            version,
            description: if product.is_empty() {
                String::new()
            } else {
                product.to_string()
            },
            original_name: file.to_string(),
            cert,
            catalog_signed: false,
        };
        self.world.add_binary(b)
    }

    /// The certificate of a tool for `signer`: the decoded one from the facts (the latest, or the one with
    /// `serial`), else one made up with the tool's first issuer.
    fn tool_cert(&mut self, tool: &RmmTool, signer: &str, serial: Option<&str>) -> usize {
        let mut certs: Vec<_> = tool
            .certificates
            .iter()
            .filter(|c| c.subject_cn == signer)
            .collect();
        certs.sort_by(|a, b| b.not_after.cmp(&a.not_after));
        let chosen = match serial {
            Some(s) => certs.iter().find(|c| c.serial_hex == s).copied(),
            None => certs.first().copied(),
        };
        let reference = self.reference;
        match chosen {
            Some(c) => self.world.add_cert(
                &mut self.rng,
                &c.subject_cn,
                &c.issuer_cn,
                Some(&c.serial_hex),
                Some((&c.not_before, &c.not_after)),
                &c.crl_urls,
                &c.thumbprint_sha1,
                reference,
            ),
            None => {
                let issuer = tool.issuers.first().cloned().unwrap_or_else(|| {
                    "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1".to_string()
                });
                self.world.add_cert(
                    &mut self.rng,
                    signer,
                    &issuer,
                    None,
                    None,
                    &[],
                    "",
                    reference,
                )
            }
        }
    }

    /// The file write of `bin` on device `d` shortly before `t` (once per device and file), so that the
    /// certificate row's SHA1 is found in DeviceFileEvents.
    fn file_write_before(
        &mut self,
        d: usize,
        bin: usize,
        t: i64,
        spec: Spec,
        written: &mut HashSet<(usize, usize)>,
    ) {
        if !written.insert((d, bin)) {
            return;
        }
        let at = t - self.rng.range(2 * TICKS_PER_MINUTE, 15 * TICKS_PER_MINUTE);
        let user = self.world.devices[d].user.name.clone();
        let folder = self.world.binaries[bin].folder.clone();
        let file = self.world.binaries[bin].file_name.clone();
        let mut target = self.binary_target(d, bin);
        let writer = if folder.contains(r"\Downloads\") {
            let site = spec
                .note
                .split_whitespace()
                .find(|w| w.starts_with("https://"))
                .map(str::to_string);
            target.origin_url = site.unwrap_or_default();
            "msedge.exe"
        } else {
            "msiexec.exe"
        };
        let wbin = self.world.binary(writer).unwrap_or(0);
        let run_as = if writer == "msedge.exe" || folder.contains("{user}") {
            RunAs::User
        } else {
            RunAs::System
        };
        let cmd = self.default_cmd(wbin, &user);
        let p = self.running(d, at, wbin, run_as, cmd);
        let row = self.file_row(d, at, &p, "FileCreated", target);
        let spec = Spec {
            category: spec.category,
            tool: spec.tool,
            rule: format!("rmm-pack:{}:filewrite", spec.tool),
            expect_match: true,
            seed: &[],
            note: format!("{file} written to disk before its certificate was recorded"),
        };
        self.add_plant(row, spec);
    }

    fn cert_plant(
        &mut self,
        d: usize,
        t: i64,
        bin: usize,
        spec: Spec,
        written: &mut HashSet<(usize, usize)>,
    ) -> usize {
        let write_spec = Spec {
            category: if spec.category == FALSE_POSITIVE {
                FALSE_POSITIVE
            } else {
                TRUE_POSITIVE
            },
            tool: spec.tool,
            rule: String::new(),
            expect_match: true,
            seed: &[],
            note: spec.note.clone(),
        };
        self.file_write_before(d, bin, t, write_spec, written);
        match self.cert_row(d, t, bin) {
            Some(row) => self.add_plant(row, spec),
            None => usize::MAX,
        }
    }

    fn network_plant(
        &mut self,
        d: usize,
        t: i64,
        p: &Proc,
        url: &str,
        port: i64,
        spec: Spec,
    ) -> usize {
        let ip = self.world.ip_for(&mut self.rng, url);
        let row = self.network_row(d, t, p, "ConnectionSuccess", &ip, port, url, "Tcp");
        self.add_plant(row, spec)
    }

    /// A running instance of a tool binary at `t`.
    fn tool_process(&mut self, d: usize, t: i64, bin: usize, run_as: RunAs) -> Proc {
        let user = self.world.devices[d].user.name.clone();
        let cmd = self.default_cmd(bin, &user);
        let mut p = self.running(d, t, bin, run_as, cmd);
        if run_as == RunAs::System {
            let services = self.services(d, t);
            p.parent_pid = services.pid;
            p.parent_name = "services.exe".into();
            p.parent_created = services.created;
        }
        p
    }

    fn process_plant(&mut self, d: usize, t: i64, bin: usize, run_as: RunAs, spec: Spec) -> usize {
        let parent = match run_as {
            RunAs::User => self.explorer(d, t),
            RunAs::System => self.services(d, t),
        };
        let user = self.world.devices[d].user.name.clone();
        let cmd = self.default_cmd(bin, &user);
        let child = self.child(d, &parent, bin, t, cmd);
        let row = self.process_row(d, t, &parent, &child);
        self.add_plant(row, spec)
    }

    /// Distinct devices for the seed scenarios: workstations and laptops.
    fn scenario_devices(&mut self, n: usize) -> Result<Vec<usize>, String> {
        let mut pool: Vec<usize> = (0..self.world.devices.len())
            .filter(|&i| self.world.devices[i].kind != DeviceKind::Server)
            .collect();
        if pool.len() < n {
            return Err(format!(
                "need at least {n} workstations for the planted scenarios"
            ));
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.rng.index(pool.len());
            out.push(pool.swap_remove(k));
        }
        Ok(out)
    }

    pub fn plants(&mut self) -> Result<(), String> {
        let facts = self.facts;
        let devs = self.scenario_devices(13)?;
        let [a1, a2, a3, a4, b1, b2, c1, c2, c3, d1, d2, e1, e2] = devs[..] else {
            return Err("internal: scenario devices".into());
        };
        let mut written: HashSet<(usize, usize)> = HashSet::new();
        let exact_5d = self.reference - 5 * TICKS_PER_DAY;

        // --- SupRemo -------------------------------------------------------------------------------------
        let supremo = facts.tool("SupRemo")?;
        let new_cert = self.tool_cert(
            supremo,
            "Nanosystems S.r.l.",
            Some("07665c8f5b2b4459cb48bb6ed25018bc"),
        );
        let old_cert = self.tool_cert(
            supremo,
            "Nanosystems S.r.l.",
            Some("017844518a5731888f63a7691bceb775"),
        );
        let sup_exe = self.tool_binary(
            "supremo.exe",
            r"C:\Users\{user}\Downloads\",
            "NanoSystems",
            "SupRemo",
            Some(new_cert),
        );
        let sup_svc = self.tool_binary(
            "supremoservice.exe",
            r"C:\ProgramData\SupremoRemoteDesktop\",
            "Nanosystems S.r.l.",
            "SupRemo",
            Some(new_cert),
        );
        let sup_helper = self.tool_binary(
            "supremohelper.exe",
            r"C:\ProgramData\SupremoRemoteDesktop\",
            "Nanosystems S.r.l.",
            "SupRemo",
            Some(old_cert),
        );
        let download = "https://www.supremocontrol.com/download/Supremo.exe";
        let tp = |note: &str| Spec {
            category: TRUE_POSITIVE,
            tool: "SupRemo",
            rule: SUPREMO_FILESIG.into(),
            expect_match: true,
            seed: &[SUPREMO_FILESIG],
            note: format!(
                "Signer 'Nanosystems S.r.l.' (the real certificate CN) matches has 'Nanosystems S.R.L.': has is case-insensitive.{}{note}",
                if note.is_empty() { "" } else { " " }
            ),
        };
        for (d, bin, hours) in [
            (a1, sup_exe, 108.0),
            (a1, sup_svc, 107.0),
            (a1, sup_exe, 72.0),
            (a1, sup_exe, 20.0),
            (a2, sup_exe, 50.0),
            (a2, sup_exe, 10.0),
            (a3, sup_helper, 30.0),
            (a3, sup_exe, 29.0),
        ] {
            let t = self.ago(hours);
            let note = if bin == sup_helper {
                "Signed with the 2021 RSA certificate (an older build)."
            } else {
                ""
            };
            let mut spec = tp(note);
            spec.note = format!("{} Downloaded from {download}", spec.note);
            self.cert_plant(d, t, bin, spec, &mut written);
        }
        // Exactly now(-5d): `between` includes both ends.
        let spec = Spec {
            category: NEAR_MISS,
            tool: "SupRemo",
            rule: SUPREMO_FILESIG.into(),
            expect_match: true,
            seed: &[SUPREMO_FILESIG],
            note: "Timestamp is exactly now(-5d); `between (Time_start..Time_end)` is inclusive, so it matches.".into(),
        };
        self.cert_plant(a2, exact_5d, sup_exe, spec, &mut written);
        // A look-alike signer.
        let fake_cert = {
            let reference = self.reference;
            self.world.add_cert(
                &mut self.rng,
                "Nanosystems SRL",
                "Sectigo Public Code Signing CA R36",
                None,
                None,
                &[],
                "",
                reference,
            )
        };
        let fake = self.tool_binary(
            "supremo.exe",
            r"C:\Users\{user}\Downloads\",
            "NanoSystems",
            "SupRemo",
            Some(fake_cert),
        );
        let t = self.ago(28.0);
        let spec = Spec {
            category: NEAR_MISS,
            tool: "SupRemo",
            rule: SUPREMO_FILESIG.into(),
            expect_match: false,
            seed: &[],
            note: "Look-alike signer 'Nanosystems SRL': has 'Nanosystems S.R.L.' needs the dotted phrase, so no match.".into(),
        };
        self.cert_plant(a3, t, fake, spec, &mut written);

        // SupRemo connections.
        let netconn = |note: &str| Spec {
            category: TRUE_POSITIVE,
            tool: "SupRemo",
            rule: SUPREMO_NETCONN.into(),
            expect_match: true,
            seed: &[SUPREMO_NETCONN],
            note: note.to_string(),
        };
        for (d, bin, run_as, url, hours) in [
            (a1, sup_exe, RunAs::User, "www.supremocontrol.com", 100.0),
            (a1, sup_exe, RunAs::User, "www.supremocontrol.com", 70.0),
            (a1, sup_exe, RunAs::User, "www.supremocontrol.com", 19.0),
            (a1, sup_svc, RunAs::System, "nanosystems.it", 106.0),
            (a2, sup_exe, RunAs::User, "supremocontrol.com", 49.0),
            (a2, sup_exe, RunAs::User, "supremocontrol.com", 9.0),
            (a4, sup_exe, RunAs::User, "rvc01.supremocontrol.com", 15.0),
        ] {
            let t = self.ago(hours);
            let p = self.tool_process(d, t, bin, run_as);
            let company = self.world.binaries[bin].company.clone();
            let note = format!(
                "RemoteUrl '{url}' has a SupRemo domain; InitiatingProcessVersionInfoCompanyName '{company}' has 'NanoSystems'."
            );
            self.network_plant(d, t, &p, url, 443, netconn(&note));
        }
        let miss = |note: &str, category: &'static str| Spec {
            category,
            tool: "SupRemo",
            rule: SUPREMO_NETCONN.into(),
            expect_match: false,
            seed: &[],
            note: note.to_string(),
        };
        let t = self.ago(60.0);
        let p = self.tool_process(a1, t, sup_exe, RunAs::User);
        self.network_plant(
            a1,
            t,
            &p,
            "supremocontrol.community",
            443,
            miss("RemoteUrl 'supremocontrol.community' does not have the term sequence 'supremocontrol.com' (the 'com' is glued to 'munity').", NEAR_MISS),
        );
        let t = self.ago(14.0);
        let p = self.tool_process(a4, t, sup_exe, RunAs::User);
        self.network_plant(
            a4,
            t,
            &p,
            "mynanosystems.it",
            443,
            miss(
                "RemoteUrl 'mynanosystems.it' does not have 'nanosystems.it' (glued to 'my').",
                NEAR_MISS,
            ),
        );
        let t = self.ago(51.0);
        let edge = self.world.binary("msedge.exe").unwrap_or(0);
        let p = self.tool_process(a2, t, edge, RunAs::User);
        self.network_plant(
            a2,
            t,
            &p,
            "www.supremocontrol.com",
            443,
            miss("A browser visiting the SupRemo site: the domain matches but InitiatingProcessVersionInfoCompanyName is 'Microsoft Corporation', not NanoSystems.", NEAR_MISS),
        );
        let t = self.reference
            - 5 * TICKS_PER_DAY
            - 60 * TICKS_PER_MINUTE
            - self.rng.range(0, TICKS_PER_MINUTE);
        let p = self.tool_process(a1, t, sup_exe, RunAs::User);
        self.network_plant(
            a1,
            t,
            &p,
            "www.supremocontrol.com",
            443,
            miss(
                "Outside the window: 5 days and an hour before now().",
                NEAR_MISS,
            ),
        );
        for (d, hours) in [(a1, 100.5), (a4, 15.5)] {
            let t = self.ago(hours);
            let spec = Spec {
                category: TRUE_POSITIVE,
                tool: "SupRemo",
                rule: "rmm-pack:SupRemo:createproc".into(),
                expect_match: true,
                seed: &[],
                note: "supremo.exe started by the user.".into(),
            };
            self.process_plant(d, t, sup_exe, RunAs::User, spec);
        }

        // --- Action1 -------------------------------------------------------------------------------------
        let action1 = facts.tool("Action1")?;
        let a1_cert = self.tool_cert(action1, "Action1 Corporation", None);
        let agent = self.tool_binary(
            "action1_agent.exe",
            r"C:\Windows\Action1\",
            "Action1 Corporation",
            "Action1",
            Some(a1_cert),
        );
        let remote = self.tool_binary(
            "action1_remote.exe",
            r"C:\Windows\Action1\",
            "Action1 Corporation",
            "Action1",
            Some(a1_cert),
        );
        let tp = |note: &str| Spec {
            category: TRUE_POSITIVE,
            tool: "Action1",
            rule: ACTION1_FILESIG.into(),
            expect_match: true,
            seed: &[ACTION1_FILESIG],
            note: note.to_string(),
        };
        for (d, bin, hours) in [
            (b1, agent, 90.0),
            (b1, remote, 39.0),
            (b1, agent, 40.0),
            (b1, agent, 3.0),
            (b2, agent, 60.0),
        ] {
            let t = self.ago(hours);
            self.cert_plant(d, t, bin, tp("Signer 'Action1 Corporation'."), &mut written);
        }
        let t = self.reference - 5 * TICKS_PER_DAY + TICKS_PER_MINUTE;
        let spec = Spec {
            category: NEAR_MISS,
            tool: "Action1",
            rule: ACTION1_FILESIG.into(),
            expect_match: true,
            seed: &[ACTION1_FILESIG],
            note: "Just inside the window: 5 days minus 1 minute before now().".into(),
        };
        self.cert_plant(b2, t, agent, spec, &mut written);
        let t = self.reference - 5 * TICKS_PER_DAY - TICKS_PER_MINUTE;
        let spec = Spec {
            category: NEAR_MISS,
            tool: "Action1",
            rule: ACTION1_FILESIG.into(),
            expect_match: false,
            seed: &[],
            note: "Just outside the window: 5 days plus 1 minute before now().".into(),
        };
        self.cert_plant(b1, t, agent, spec, &mut written);

        // --- NetSupport ----------------------------------------------------------------------------------
        let netsupport = facts.tool("NetSupport Manager")?;
        let ns_new = self.tool_cert(netsupport, "NETSUPPORT LTD.", None);
        let ns_old = self.tool_cert(netsupport, "NetSupport Ltd", None);
        let client = self.tool_binary(
            "client32.exe",
            r"C:\Program Files (x86)\NetSupport\NetSupport Manager\",
            "NetSupport Ltd",
            "NetSupport Remote Control",
            Some(ns_new),
        );
        let rat_dir = format!(
            r"C:\Users\{{user}}\AppData\Roaming\{}\",
            self.rng.hex(6).to_ascii_uppercase()
        );
        let client_old = self.tool_binary(
            "client32.exe",
            &rat_dir,
            "NetSupport Ltd",
            "NetSupport Remote Control",
            Some(ns_old),
        );
        let stub = self.tool_binary(
            "remcmdstub.exe",
            &rat_dir,
            "NetSupport Ltd",
            "NetSupport Remote Control",
            Some(ns_old),
        );
        let tp = |note: &str| Spec {
            category: TRUE_POSITIVE,
            tool: "NetSupport Manager",
            rule: NETSUPPORT_FILESIG.into(),
            expect_match: true,
            seed: &[NETSUPPORT_FILESIG],
            note: note.to_string(),
        };
        let mut first_c1 = usize::MAX;
        for (d, bin, hours, note) in [
            (
                c1,
                client,
                80.0,
                "Signer 'NETSUPPORT LTD.' (2025 GlobalSign certificate) has 'netsupport'.",
            ),
            (
                c1,
                client,
                30.0,
                "Signer 'NETSUPPORT LTD.' has 'netsupport'.",
            ),
            (
                c2,
                client_old,
                20.0,
                "Signer 'NetSupport Ltd' (2009 VeriSign certificate, as in NetSupport RAT droppers) in a user AppData folder.",
            ),
            (c2, stub, 19.0, "remcmdstub.exe signed 'NetSupport Ltd'."),
            (c2, client_old, 5.0, "Signer 'NetSupport Ltd'."),
        ] {
            let t = self.ago(hours);
            let i = self.cert_plant(d, t, bin, tp(note), &mut written);
            if first_c1 == usize::MAX {
                first_c1 = i;
            }
        }
        // The same ReportId on another device: the rule groups by DeviceId, so the two stay apart.
        let t = self.ago(44.0);
        let shared = self.plants.get(first_c1).map(|p| p.report_id).unwrap_or(0);
        let i = self.cert_plant(
            c3,
            t,
            client,
            tp(&format!("Same ReportId ({shared}) as a NetSupport plant on another device; ReportId is a per-device counter.")),
            &mut written,
        );
        self.force_report_id(i, shared);
        let crosstec_cert = {
            let reference = self.reference;
            self.world.add_cert(
                &mut self.rng,
                "CrossTec Corporation",
                "VeriSign Class 3 Code Signing 2009-2 CA",
                None,
                None,
                &[],
                "",
                reference,
            )
        };
        let pcicfg = self.tool_binary(
            "pcicfgui.exe",
            &rat_dir,
            "NetSupport Ltd",
            "NetSupport Remote Control",
            Some(crosstec_cert),
        );
        let t = self.ago(18.0);
        let spec = Spec {
            category: NEAR_MISS,
            tool: "NetSupport Manager",
            rule: NETSUPPORT_FILESIG.into(),
            expect_match: false,
            seed: &[],
            note: "Signer 'CrossTec Corporation' (an older NetSupport signer name, listed by jischell) does not have 'netsupport'.".into(),
        };
        self.cert_plant(c2, t, pcicfg, spec, &mut written);
        let t = self.reference + 2 * TICKS_PER_MINUTE + self.rng.range(0, TICKS_PER_SECOND);
        let spec = Spec {
            category: NEAR_MISS,
            tool: "NetSupport Manager",
            rule: NETSUPPORT_FILESIG.into(),
            expect_match: false,
            seed: &[],
            note: "Two minutes after now() (a device clock ahead): outside `between (now(-5d)..now())`.".into(),
        };
        self.cert_plant(c1, t, client, spec, &mut written);

        // --- RemotePC and IDrive -------------------------------------------------------------------------
        let remotepc = facts.tool("RemotePC")?;
        let mut idrive_certs: Vec<&str> = remotepc
            .certificates
            .iter()
            .map(|c| c.serial_hex.as_str())
            .collect();
        idrive_certs.sort();
        let rpc_cert = self.tool_cert(remotepc, "IDrive, Inc.", idrive_certs.first().copied());
        let idrive_cert = self.tool_cert(remotepc, "IDrive, Inc.", idrive_certs.last().copied());
        let rpc = self.tool_binary(
            "RemotePC.exe",
            r"C:\Program Files (x86)\RemotePC\",
            "IDrive Inc",
            "RemotePC",
            Some(rpc_cert),
        );
        let rpc_svc = self.tool_binary(
            "remotepcservice.exe",
            r"C:\Program Files (x86)\RemotePC\",
            "IDrive Inc",
            "RemotePC",
            Some(rpc_cert),
        );
        let tp = |note: &str| Spec {
            category: TRUE_POSITIVE,
            tool: "RemotePC",
            rule: REMOTEPC_FILESIG.into(),
            expect_match: true,
            seed: &[REMOTEPC_FILESIG],
            note: note.to_string(),
        };
        for (d, bin, hours) in [
            (d1, rpc, 70.0),
            (d1, rpc_svc, 69.0),
            (d1, rpc, 22.0),
            (d2, rpc, 33.0),
        ] {
            let t = self.ago(hours);
            self.cert_plant(
                d,
                t,
                bin,
                tp("Signer 'IDrive, Inc.' has 'idrive'."),
                &mut written,
            );
        }
        let setup = self.tool_binary(
            "IDriveWinSetup.exe",
            r"C:\Users\{user}\Downloads\",
            "IDrive Inc",
            "IDrive",
            Some(idrive_cert),
        );
        let tray = self.tool_binary(
            "id_tray.exe",
            r"C:\Program Files (x86)\IDriveWindows\",
            "IDrive Inc",
            "IDrive",
            Some(idrive_cert),
        );
        let fp = || {
            Spec {
            category: FALSE_POSITIVE,
            tool: "IDrive (backup)",
            rule: REMOTEPC_FILESIG.into(),
            expect_match: true,
            seed: &[REMOTEPC_FILESIG],
            note: "IDrive online backup, signed 'IDrive, Inc.' like RemotePC: the rule's has 'idrive' matches it - a real false positive. Downloaded from https://www.idrive.com/downloads".into(),
        }
        };
        for (d, bin, hours) in [(e1, setup, 55.0), (e2, tray, 65.0), (e2, tray, 12.0)] {
            let t = self.ago(hours);
            self.cert_plant(d, t, bin, fp(), &mut written);
        }

        // --- The rule pack: every tool in rmm_tools.json --------------------------------------------------
        self.pack_plants(&mut written)?;
        Ok(())
    }

    fn force_report_id(&mut self, plant: usize, report_id: i64) {
        let Some(p) = self.plants.get_mut(plant) else {
            return;
        };
        let key = super::tables::EventKey {
            timestamp: p.ticks,
            device_id: p.device_id.clone(),
            report_id: p.report_id,
        };
        if self.tables.set_report_id(p.table, &key, report_id) {
            p.report_id = report_id;
        }
    }

    fn pack_plants(&mut self, written: &mut HashSet<(usize, usize)>) -> Result<(), String> {
        let facts = self.facts;
        for tool in &facts.tools {
            let name = tool.tool.as_str();
            let folder = tool_folder(name);
            let company = self
                .rng
                .pick(&tool.company_names)
                .cloned()
                .unwrap_or_default();
            let product = tool
                .product_name_substrings
                .first()
                .cloned()
                .unwrap_or_default();
            let (exes, exe_note) = if tool.exe_names.is_empty() {
                (
                    vec!["vncserver.exe".to_string()],
                    " (rmm_tools.json lists no executable; vncserver.exe from general knowledge)",
                )
            } else {
                // a created process is an executable: rmm_tools.json also lists .dll and .msi artefacts
                let exes: Vec<String> = tool
                    .exe_names
                    .iter()
                    .filter(|e| e.to_ascii_lowercase().ends_with(".exe"))
                    .cloned()
                    .collect();
                if exes.is_empty() {
                    (tool.exe_names.clone(), "")
                } else {
                    (exes, "")
                }
            };
            let exe = self.rng.pick(&exes).cloned().unwrap_or_default();
            // Reuse the scenario's binary of that name when it is signed by one of the tool's signers.
            let reusable = self.world.binary(&exe).filter(|&b| {
                let signer = self.world.binaries[b]
                    .cert
                    .map(|c| self.world.certs[c].signer.as_str());
                match signer {
                    Some(s) => tool.signers.iter().any(|x| x == s),
                    None => tool.signers.is_empty(),
                }
            });
            let bin = match reusable {
                Some(b) => b,
                None => {
                    let signer = self.rng.pick(&tool.signers).cloned();
                    let cert = signer.map(|s| self.tool_cert(tool, &s, None));
                    self.tool_binary(&exe, &folder, &company, &product, cert)
                }
            };
            let company = self.world.binaries[bin].company.clone();
            let product = self.world.binaries[bin].product.clone();
            let signer = self.world.binaries[bin]
                .cert
                .map(|c| self.world.certs[c].signer.clone());
            let d = self.rng.index(self.world.devices.len());
            let seed_filesig: &[&str] = match name {
                "SupRemo" => &[SUPREMO_FILESIG],
                "Action1" => &[ACTION1_FILESIG],
                "NetSupport Manager" => &[NETSUPPORT_FILESIG],
                "RemotePC" => &[REMOTEPC_FILESIG],
                _ => &[],
            };
            let seed_netconn: &[&str] = if name == "SupRemo" {
                &[SUPREMO_NETCONN]
            } else {
                &[]
            };
            // File signature.
            if let Some(signer) = &signer {
                let hours = 2.0 + self.rng.unit() * 100.0;
                let t = self.ago(hours);
                let spec = Spec {
                    category: TRUE_POSITIVE,
                    tool: name,
                    rule: format!("rmm-pack:{name}:filesig"),
                    expect_match: true,
                    seed: seed_filesig,
                    note: format!("Signer '{signer}' from rmm_tools.json signers{exe_note}."),
                };
                self.cert_plant(d, t, bin, spec, written);
            }
            // Network connection.
            if let Some(pattern) = self.rng.pick(&tool.domains).cloned() {
                let label = self
                    .rng
                    .pick(&["www", "api", "relay", "agent", "gw01", "eu"])
                    .copied()
                    .unwrap_or("www");
                let hex8 = self.rng.hex(8);
                let (host, port) = resolve_domain(&pattern, label, &hex8);
                let hours = 2.0 + self.rng.unit() * 100.0;
                let t = self.ago(hours);
                let p = self.tool_process(d, t, bin, RunAs::System);
                let spec = Spec {
                    category: TRUE_POSITIVE,
                    tool: name,
                    rule: format!("rmm-pack:{name}:netconn"),
                    expect_match: true,
                    seed: seed_netconn,
                    note: format!(
                        "RemoteUrl '{host}' from domain '{pattern}'; InitiatingProcessFileName '{exe}'; company '{company}'{exe_note}."
                    ),
                };
                self.network_plant(d, t, &p, &host, port.unwrap_or(443), spec);
            }
            // Process creation.
            let hours = 2.0 + self.rng.unit() * 100.0;
            let t = self.ago(hours);
            let spec = Spec {
                category: TRUE_POSITIVE,
                tool: name,
                rule: format!("rmm-pack:{name}:createproc"),
                expect_match: true,
                seed: &[],
                note: format!(
                    "FileName '{exe}'; ProcessVersionInfoCompanyName '{company}'; ProductName '{product}'{exe_note}."
                ),
            };
            self.process_plant(d, t, bin, RunAs::System, spec);
        }
        Ok(())
    }
}
