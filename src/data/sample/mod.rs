//! A deterministic generator of realistic Defender Advanced Hunting tables, with planted events.
//!
//! Same parameters and seed, same bytes: a ChaCha8 stream seeded from `seed` drives every choice, the
//! reference time ("now" of the data set) is a parameter, and nothing depends on the clock, on hash-map
//! order or on the machine. Output: one CSV per table (portal-like: header of column names, ISO-8601 UTC
//! timestamps with 7 fraction digits, RFC 4180 quoting) and `manifest.json` (parameters, row counts, every
//! planted event with what a rule must make of it, and the seed rules' expected results).
//!
//! Background rows are benign by construction (signers from `benign_signers.json`, common domains): no
//! background row matches any of the five seed rules, so their results follow from the plants alone.

mod background;
mod events;
mod facts;
pub mod plants;
mod rng;
pub mod scale;
mod tables;
mod world;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::data::time::{TICKS_PER_DAY, format_datetime_iso, parse_datetime};
pub use plants::Plant;
use rng::Rng;
use tables::Tables;
use world::{DeviceKind, World};

/// The generator's name and version, recorded in the manifest. Bump the version when output changes.
pub const GENERATOR_VERSION: &str = "huntbench-sample 1";
pub const DEFAULT_SEED: u64 = 20261120;
pub const DEFAULT_DEVICES: usize = 200;
pub const DEFAULT_DAYS: u32 = 14;
/// Background event rows per day (all event tables together), sized so that the default data set stays
/// well under 15 MB.
pub const DEFAULT_ROWS_PER_DAY: usize = 1000;
pub const DEFAULT_REFERENCE_TIME: &str = "2026-11-20T12:00:00Z";

/// The tables generated, in manifest order.
pub const TABLES: &[&str] = &[
    "DeviceInfo",
    "DeviceFileCertificateInfo",
    "DeviceNetworkEvents",
    "DeviceProcessEvents",
    "DeviceFileEvents",
];

/// Generation parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SampleParams {
    pub devices: usize,
    pub days: u32,
    pub rows_per_day: usize,
    pub seed: u64,
    /// "Now" of the data set, ticks since the epoch.
    #[serde(skip)]
    pub reference_time: i64,
}

impl Default for SampleParams {
    fn default() -> Self {
        SampleParams {
            devices: DEFAULT_DEVICES,
            days: DEFAULT_DAYS,
            rows_per_day: DEFAULT_ROWS_PER_DAY,
            seed: DEFAULT_SEED,
            reference_time: parse_datetime(DEFAULT_REFERENCE_TIME).unwrap_or(0),
        }
    }
}

/// One table's entry in the manifest.
#[derive(Clone, Debug, Serialize)]
pub struct TableEntry {
    pub file: String,
    pub rows: usize,
    pub columns: usize,
}

/// A seed rule as the manifest describes it.
#[derive(Clone, Debug, Serialize)]
pub struct SeedRule {
    pub file: &'static str,
    pub table: &'static str,
    pub window: &'static str,
    pub predicate: &'static str,
    pub group_by: &'static [&'static str],
}

/// One expected result row of a seed rule (make_set order is undefined: `Report` is sorted).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExpectedRow {
    #[serde(rename = "DeviceId")]
    pub device_id: String,
    #[serde(rename = "DeviceName")]
    pub device_name: String,
    #[serde(rename = "RemoteUrl", skip_serializing_if = "Option::is_none")]
    pub remote_url: Option<String>,
    #[serde(rename = "FirstSeen")]
    pub first_seen: String,
    #[serde(rename = "LastSeen")]
    pub last_seen: String,
    #[serde(rename = "Report")]
    pub report: Vec<i64>,
    #[serde(rename = "Count")]
    pub count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub generator_version: &'static str,
    pub seed: u64,
    pub parameters: SampleParams,
    pub reference_time: String,
    pub data_window: [String; 2],
    pub tables: BTreeMap<String, TableEntry>,
    pub seed_rules: Vec<SeedRule>,
    pub plant_summary: BTreeMap<String, usize>,
    pub plants: Vec<Plant>,
    /// Per seed rule: the result it must return (derived from the plants whose `seed_rule_matches` name it).
    pub expected: BTreeMap<String, Vec<ExpectedRow>>,
    pub notes: Vec<String>,
}

/// A generated data set, in memory.
#[derive(Debug)]
pub struct SampleData {
    /// (file name, contents), tables first, then `manifest.json`.
    pub files: Vec<(String, Vec<u8>)>,
    pub manifest: Manifest,
}

pub const SEED_RULES: &[SeedRule] = &[
    SeedRule {
        file: plants::SUPREMO_FILESIG,
        table: "DeviceFileCertificateInfo",
        window: "Timestamp between (now(-5d)..now())",
        predicate: "Signer has 'Nanosystems S.R.L.'",
        group_by: &["DeviceId", "DeviceName"],
    },
    SeedRule {
        file: plants::SUPREMO_NETCONN,
        table: "DeviceNetworkEvents",
        window: "Timestamp between (now(-5d)..now())",
        predicate: "RemoteUrl has_any ('supremocontrol.com', 'nanosystems.it') and InitiatingProcessVersionInfoCompanyName has 'NanoSystems'",
        group_by: &["DeviceId", "DeviceName", "RemoteUrl"],
    },
    SeedRule {
        file: plants::ACTION1_FILESIG,
        table: "DeviceFileCertificateInfo",
        window: "Timestamp between (now(-5d)..now())",
        predicate: "Signer has 'Action1 Corporation'",
        group_by: &["DeviceId", "DeviceName"],
    },
    SeedRule {
        file: plants::NETSUPPORT_FILESIG,
        table: "DeviceFileCertificateInfo",
        window: "Timestamp between (now(-5d)..now())",
        predicate: "Signer has 'netsupport'",
        group_by: &["DeviceId", "DeviceName"],
    },
    SeedRule {
        file: plants::REMOTEPC_FILESIG,
        table: "DeviceFileCertificateInfo",
        window: "Timestamp between (now(-5d)..now())",
        predicate: "Signer has 'idrive'",
        group_by: &["DeviceId", "DeviceName"],
    },
];

/// The generator's working state.
pub(crate) struct Gen<'a> {
    rng: Rng,
    world: World,
    tables: Tables,
    facts: &'a facts::Facts,
    params: SampleParams,
    reference: i64,
    window_start: i64,
    plants: Vec<Plant>,
}

impl Gen<'_> {
    /// One DeviceInfo snapshot per device per day.
    fn device_info(&mut self) {
        for d in 0..self.world.devices.len() {
            for day in 0..i64::from(self.params.days) {
                let t =
                    self.window_start + day * TICKS_PER_DAY + self.world.devices[d].snapshot_offset;
                if t >= self.reference {
                    continue;
                }
                let rb = self.event("DeviceInfo", d, t);
                let dev = &self.world.devices[d];
                let logged_on = serde_json::json!([{
                    "UserName": dev.user.name,
                    "DomainName": dev.user.domain,
                    "Sid": dev.user.sid,
                }])
                .to_string();
                let server = dev.kind == DeviceKind::Server;
                let rb = rb
                    .s("ClientVersion", "10.8760.26100.1882")
                    .s("PublicIP", dev.public_ip.clone())
                    .s("OSArchitecture", "64-bit")
                    .s("OSPlatform", dev.os.platform)
                    .l("OSBuild", dev.os.build)
                    .b("IsAzureADJoined", dev.azure_ad_joined)
                    .s(
                        "JoinType",
                        if server {
                            "Domain Joined"
                        } else {
                            "Hybrid Azure AD Join"
                        },
                    )
                    .s(
                        "AadDeviceId",
                        if server {
                            String::new()
                        } else {
                            dev.aad_device_id.clone()
                        },
                    )
                    .s("LoggedOnUsers", logged_on)
                    .s("OSVersion", "10.0")
                    .s("MachineGroup", dev.machine_group.clone())
                    .s("OnboardingStatus", "Onboarded")
                    .s("DeviceCategory", "Endpoint")
                    .s("DeviceType", if server { "Server" } else { "Workstation" })
                    .s("Model", dev.model)
                    .s("Vendor", dev.vendor)
                    .s("OSVersionInfo", dev.os.version_info)
                    .b("IsInternetFacing", false)
                    .s("SensorHealthState", "Active")
                    .b("IsExcluded", false)
                    .s("ExposureLevel", dev.exposure)
                    .s("AssetValue", if server { "High" } else { "Normal" })
                    .s("DeviceManualTags", "[]")
                    .s("ConnectivityType", "Streamlined");
                self.tables.add(rb);
            }
        }
    }
}

/// Rejects parameters the plants cannot fit in.
fn check(params: &SampleParams) -> Result<(), String> {
    if params.devices < 20 {
        return Err(format!(
            "--devices must be at least 20 (the planted scenarios need them), not {}",
            params.devices
        ));
    }
    if params.devices > 100_000 {
        return Err(format!(
            "--devices {} is more than this generator is meant for (at most 100000)",
            params.devices
        ));
    }
    if params.days < 7 {
        return Err(format!(
            "--days must be at least 7 (plants sit up to 6 days before the reference time), not {}",
            params.days
        ));
    }
    if params.days > 3650 {
        return Err(format!("--days {} is too many (at most 3650)", params.days));
    }
    if params.rows_per_day > 10_000_000 {
        return Err(format!(
            "--rows-per-day {} is too many (at most 10000000)",
            params.rows_per_day
        ));
    }
    if format_datetime_iso(params.reference_time - i64::from(params.days) * TICKS_PER_DAY).is_none()
    {
        return Err("the reference time is out of range".into());
    }
    Ok(())
}

/// The expected results of the seed rules, from the plants.
fn expected(plants: &[Plant]) -> BTreeMap<String, Vec<ExpectedRow>> {
    let mut out = BTreeMap::new();
    for rule in SEED_RULES {
        let by_url = rule.group_by.contains(&"RemoteUrl");
        let mut groups: BTreeMap<(String, String, Option<String>), Vec<&Plant>> = BTreeMap::new();
        for p in plants
            .iter()
            .filter(|p| p.seed_rule_matches.iter().any(|r| r == rule.file))
        {
            let url = by_url.then(|| {
                p.fields
                    .get("RemoteUrl")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            });
            groups
                .entry((p.device_name.clone(), p.device_id.clone(), url))
                .or_default()
                .push(p);
        }
        let rows = groups
            .into_iter()
            .map(|((device_name, device_id, remote_url), ps)| {
                let first = ps.iter().map(|p| p.ticks).min().unwrap_or(0);
                let last = ps.iter().map(|p| p.ticks).max().unwrap_or(0);
                let mut report: Vec<i64> = ps.iter().map(|p| p.report_id).collect();
                report.sort_unstable();
                report.dedup();
                ExpectedRow {
                    device_id,
                    device_name,
                    remote_url,
                    first_seen: format_datetime_iso(first).unwrap_or_default(),
                    last_seen: format_datetime_iso(last).unwrap_or_default(),
                    report,
                    count: ps.len(),
                }
            })
            .collect();
        out.insert(rule.file.to_string(), rows);
    }
    out
}

/// Generates a data set.
pub fn generate(params: &SampleParams) -> Result<SampleData, String> {
    generate_full(params).map(|(data, _)| data)
}

/// Generates a data set, and returns its rows too (for [`scale`]).
fn generate_full(params: &SampleParams) -> Result<(SampleData, Tables), String> {
    check(params)?;
    let facts = facts::Facts::load()?;
    let reference = params.reference_time;
    let window_start = reference - i64::from(params.days) * TICKS_PER_DAY;
    let mut rng = Rng::new(params.seed);
    let world = World::build(&mut rng, &facts, params.devices, window_start, reference)?;
    let tables = Tables::new(TABLES)?;
    let mut g = Gen {
        rng,
        world,
        tables,
        facts: &facts,
        params: params.clone(),
        reference,
        window_start,
        plants: Vec::new(),
    };
    g.device_info();
    g.plants()?;
    g.tables.background_rows = true;
    g.background();
    g.tables.background_rows = false;
    if let Some(e) = g.tables.errors().first() {
        return Err(e.clone());
    }
    let mut files = Vec::new();
    let mut table_entries = BTreeMap::new();
    for (name, csv, rows) in g.tables.render_csv() {
        let file = format!("{name}.csv");
        let columns = crate::data::schema::defender_table(name)
            .map(|t| t.columns.len())
            .unwrap_or(0);
        table_entries.insert(
            name.to_string(),
            TableEntry {
                file: file.clone(),
                rows,
                columns,
            },
        );
        files.push((file, csv.into_bytes()));
    }
    let mut plants = g.plants;
    plants.sort_by(|a, b| a.id.cmp(&b.id));
    let mut summary: BTreeMap<String, usize> = BTreeMap::new();
    for p in &plants {
        *summary
            .entry(format!("category {}", p.category))
            .or_default() += 1;
        let rule = match p.rule.strip_prefix("rmm-pack:") {
            Some(rest) => format!("rmm-pack:*:{}", rest.rsplit(':').next().unwrap_or("")),
            None => p.rule.clone(),
        };
        *summary.entry(format!("rule {rule}")).or_default() += 1;
    }
    summary.insert("total".into(), plants.len());
    let manifest = Manifest {
        generator_version: GENERATOR_VERSION,
        seed: params.seed,
        parameters: params.clone(),
        reference_time: format_datetime_iso(reference).unwrap_or_default(),
        data_window: [format_datetime_iso(window_start).unwrap_or_default(), format_datetime_iso(reference).unwrap_or_default()],
        tables: table_entries,
        seed_rules: SEED_RULES.to_vec(),
        plant_summary: summary,
        expected: expected(&plants),
        plants,
        notes: vec![
            "Rows are identified by (DeviceId, Timestamp, ReportId); ReportId is a per-device counter, so it repeats across devices.".into(),
            "Background rows use only benign signers and common domains: no background row matches any seed rule, so each seed rule's result is exactly `expected` (computed from the plants whose seed_rule_matches name the rule).".into(),
            "A plant's rule is an upstream rule file or rmm-pack:<tool>:<kind> (filesig, netconn, createproc, filewrite) for a rule pack written from rmm_tools.json; expect_match says whether that rule must match the row.".into(),
            "Run the seed rules with now() = reference_time.".into(),
            "RustDesk has no signer in rmm_tools.json: it gets no file-signature plant. Certificates of tools without a decoded certificate (Kaseya VSA, MeshCentral, Tactical RMM, BeyondTrust, Ammyy Admin) are made up from the signer name and the tool's first issuer (or DigiCert Trusted G4).".into(),
        ],
    };
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| format!("manifest: {e}"))?;
    files.push((
        "manifest.json".to_string(),
        format!("{json}\n").into_bytes(),
    ));
    Ok((SampleData { files, manifest }, g.tables))
}

/// Writes a data set into `dir` (created if needed). Returns the files written with their sizes.
pub fn write_to_dir(data: &SampleData, dir: &Path) -> Result<Vec<(PathBuf, u64)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for (name, bytes) in &data.files {
        let path = dir.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        out.push((path, bytes.len() as u64));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benign_software_is_signed_by_benign_signers() {
        let facts = facts::Facts::load().unwrap();
        for (file, _, signer, ..) in world::SOFTWARE {
            if !signer.is_empty() {
                assert!(facts.benign_signer(signer).is_ok(), "{file}: {signer}");
            }
        }
    }

    #[test]
    fn domains_are_resolved() {
        use plants::resolve_domain;
        assert_eq!(
            resolve_domain("*.supremocontrol.com", "www", "0"),
            ("www.supremocontrol.com".into(), None)
        );
        assert_eq!(
            resolve_domain("relay-[a-f0-9]{8}.net.anydesk.com:443", "www", "0a1b2c3d"),
            ("relay-0a1b2c3d.net.anydesk.com".into(), Some(443))
        );
        assert_eq!(
            resolve_domain("auth*.aeroadmin.com", "www", "0"),
            ("auth01.aeroadmin.com".into(), None)
        );
        assert_eq!(
            resolve_domain("nanosystems.it", "www", "0"),
            ("nanosystems.it".into(), None)
        );
    }

    #[test]
    fn rejects_parameters_the_plants_do_not_fit() {
        let p = SampleParams {
            devices: 5,
            ..SampleParams::default()
        };
        assert!(generate(&p).unwrap_err().contains("--devices"));
        let p = SampleParams {
            days: 3,
            ..SampleParams::default()
        };
        assert!(generate(&p).unwrap_err().contains("--days"));
    }

    #[test]
    fn small_data_sets_work() {
        let p = SampleParams {
            devices: 20,
            days: 7,
            rows_per_day: 50,
            ..SampleParams::default()
        };
        let data = generate(&p).unwrap();
        assert_eq!(data.manifest.tables["DeviceInfo"].rows, 20 * 7);
        assert!(data.manifest.plants.len() > 100);
    }
}
