//! Rows of each table, built from a device, a time and the processes involved.

use super::Gen;
use super::tables::RowB;
use super::world::{Account, Device};
use crate::data::time::{TICKS_PER_MINUTE, TICKS_PER_SECOND};

/// A process as the event tables describe it.
#[derive(Clone, Debug)]
pub struct Proc {
    pub bin: usize,
    pub pid: i64,
    pub created: i64,
    pub cmd: String,
    pub account: Account,
    pub integrity: &'static str,
    pub elevation: &'static str,
    pub parent_pid: i64,
    pub parent_name: String,
    pub parent_created: i64,
    pub session_id: i64,
    pub logon_id: i64,
}

/// Who a process runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunAs {
    User,
    System,
}

impl Gen<'_> {
    fn bin_or(&self, name: &str) -> usize {
        self.world.binary(name).unwrap_or(0)
    }

    /// `services.exe` of the boot session running at `t`.
    pub fn services(&self, d: usize, t: i64) -> Proc {
        let dev = &self.world.devices[d];
        let boot = dev.boot_at(t);
        Proc {
            bin: self.bin_or("services.exe"),
            pid: boot.services_pid,
            created: boot.at + 4 * TICKS_PER_SECOND,
            cmd: r"C:\Windows\system32\services.exe".into(),
            account: Account::system(),
            integrity: "System",
            elevation: "TokenElevationTypeDefault",
            parent_pid: boot.wininit_pid,
            parent_name: "wininit.exe".into(),
            parent_created: boot.at + 2 * TICKS_PER_SECOND,
            session_id: 0,
            logon_id: 999,
        }
    }

    /// One of the `svchost.exe` service hosts of the boot session running at `t`.
    pub fn svchost(&self, d: usize, t: i64, k: usize) -> Proc {
        const GROUPS: &[&str] = &[
            "-k netsvcs -p -s Schedule",
            "-k netsvcs -p -s Winmgmt",
            "-k DcomLaunch -p",
            "-k NetworkService -p -s Dnscache",
            "-k LocalSystemNetworkRestricted -p -s SysMain",
            "-k netsvcs -p -s BITS",
        ];
        let dev = &self.world.devices[d];
        let boot = dev.boot_at(t);
        let k = k % boot.svchost_pids.len().max(1);
        let services = self.services(d, t);
        Proc {
            bin: self.bin_or("svchost.exe"),
            pid: boot.svchost_pids.get(k).copied().unwrap_or(1234),
            created: boot.at + (6 + k as i64 * 3) * TICKS_PER_SECOND,
            cmd: format!(
                r"C:\Windows\system32\svchost.exe {}",
                GROUPS[k % GROUPS.len()]
            ),
            account: if k == 3 {
                Account {
                    domain: "nt authority".into(),
                    name: "network service".into(),
                    sid: "S-1-5-20".into(),
                    upn: String::new(),
                    object_id: String::new(),
                }
            } else {
                Account::system()
            },
            integrity: "System",
            elevation: "TokenElevationTypeDefault",
            parent_pid: services.pid,
            parent_name: "services.exe".into(),
            parent_created: services.created,
            session_id: 0,
            logon_id: if k == 3 { 996 } else { 999 },
        }
    }

    /// The user's `explorer.exe` of the boot session running at `t`.
    pub fn explorer(&self, d: usize, t: i64) -> Proc {
        let dev = &self.world.devices[d];
        let boot = dev.boot_at(t);
        Proc {
            bin: self.bin_or("explorer.exe"),
            pid: boot.explorer_pid,
            created: boot.at + 70 * TICKS_PER_SECOND,
            cmd: r"C:\Windows\Explorer.EXE".into(),
            account: dev.user.clone(),
            integrity: "Medium",
            elevation: "TokenElevationTypeLimited",
            parent_pid: boot.userinit_pid,
            parent_name: "userinit.exe".into(),
            parent_created: boot.at + 65 * TICKS_PER_SECOND,
            session_id: 1,
            logon_id: boot.logon_id,
        }
    }

    /// A new process of binary `bin` started by `parent` at `created`.
    pub fn child(
        &mut self,
        d: usize,
        parent: &Proc,
        bin: usize,
        created: i64,
        cmd: String,
    ) -> Proc {
        let pid = self.rng.range(1000, 40000) / 4 * 4;
        let _ = d;
        Proc {
            bin,
            pid,
            created,
            cmd,
            account: parent.account.clone(),
            integrity: parent.integrity,
            elevation: parent.elevation,
            parent_pid: parent.pid,
            parent_name: self.world.binaries[parent.bin].file_name.clone(),
            parent_created: parent.created,
            session_id: parent.session_id,
            logon_id: parent.logon_id,
        }
    }

    /// A process of binary `bin` that has been running for a while at `t` (started by the user's explorer or
    /// by a service host).
    pub fn running(&mut self, d: usize, t: i64, bin: usize, run_as: RunAs, cmd: String) -> Proc {
        let parent = match run_as {
            RunAs::User => self.explorer(d, t),
            RunAs::System => {
                let k = self.rng.index(6);
                self.svchost(d, t, k)
            }
        };
        let earliest = parent.created + 30 * TICKS_PER_SECOND;
        let created = (t - self.rng.range(TICKS_PER_MINUTE, 240 * TICKS_PER_MINUTE))
            .max(earliest)
            .min(t);
        self.child(d, &parent, bin, created, cmd)
    }

    /// The command line a binary is usually started with.
    pub fn default_cmd(&self, bin: usize, user: &str) -> String {
        format!("\"{}\"", self.world.binaries[bin].path_for(user))
    }

    /// Timestamp, DeviceId, DeviceName, ReportId.
    pub fn event(&mut self, table: &'static str, d: usize, t: i64) -> RowB {
        let report = self.world.devices[d].next_report_id(&mut self.rng);
        let dev = &self.world.devices[d];
        RowB::new(table)
            .t("Timestamp", t)
            .s("DeviceId", dev.id.clone())
            .s("DeviceName", dev.name.clone())
            .l("ReportId", report)
    }

    /// The `InitiatingProcess*` columns (all event tables generated here have the same set).
    pub fn initiating(&self, rb: RowB, dev: &Device, p: &Proc) -> RowB {
        let b = &self.world.binaries[p.bin];
        rb.s("InitiatingProcessAccountDomain", p.account.domain.clone())
            .s("InitiatingProcessAccountName", p.account.name.clone())
            .s("InitiatingProcessAccountSid", p.account.sid.clone())
            .s("InitiatingProcessAccountUpn", p.account.upn.clone())
            .s(
                "InitiatingProcessAccountObjectId",
                p.account.object_id.clone(),
            )
            .s("InitiatingProcessIntegrityLevel", p.integrity)
            .s("InitiatingProcessTokenElevation", p.elevation)
            .s("InitiatingProcessSHA1", b.sha1.clone())
            .s("InitiatingProcessMD5", b.md5.clone())
            .s("InitiatingProcessFileName", b.file_name.clone())
            .l("InitiatingProcessFileSize", b.size)
            .s("InitiatingProcessVersionInfoCompanyName", b.company.clone())
            .s("InitiatingProcessVersionInfoProductName", b.product.clone())
            .s(
                "InitiatingProcessVersionInfoProductVersion",
                b.version.clone(),
            )
            .s(
                "InitiatingProcessVersionInfoInternalFileName",
                internal_name(&b.original_name),
            )
            .s(
                "InitiatingProcessVersionInfoOriginalFileName",
                b.original_name.clone(),
            )
            .s(
                "InitiatingProcessVersionInfoFileDescription",
                b.description.clone(),
            )
            .l("InitiatingProcessId", p.pid)
            .s("InitiatingProcessCommandLine", p.cmd.clone())
            .t("InitiatingProcessCreationTime", p.created)
            .s(
                "InitiatingProcessFolderPath",
                b.path_for(&dev.user.name).to_ascii_lowercase(),
            )
            .l("InitiatingProcessParentId", p.parent_pid)
            .s("InitiatingProcessParentFileName", p.parent_name.clone())
            .t("InitiatingProcessParentCreationTime", p.parent_created)
            .l("InitiatingProcessSessionId", p.session_id)
            .b("IsInitiatingProcessRemoteSession", false)
    }

    /// A `ProcessCreated` row for `child`.
    pub fn process_row(&mut self, d: usize, t: i64, parent: &Proc, child: &Proc) -> RowB {
        let rb = self.event("DeviceProcessEvents", d, t);
        let dev = self.world.devices[d].clone();
        let b = self.world.binaries[child.bin].clone();
        let rb = rb
            .s("ActionType", "ProcessCreated")
            .s("FileName", b.file_name.clone())
            .s("FolderPath", b.path_for(&dev.user.name))
            .s("SHA1", b.sha1.clone())
            .s("MD5", b.md5.clone())
            .l("FileSize", b.size)
            .s("ProcessVersionInfoCompanyName", b.company.clone())
            .s("ProcessVersionInfoProductName", b.product.clone())
            .s("ProcessVersionInfoProductVersion", b.version.clone())
            .s(
                "ProcessVersionInfoInternalFileName",
                internal_name(&b.original_name),
            )
            .s(
                "ProcessVersionInfoOriginalFileName",
                b.original_name.clone(),
            )
            .s("ProcessVersionInfoFileDescription", b.description.clone())
            .l("ProcessId", child.pid)
            .s("ProcessCommandLine", child.cmd.clone())
            .s("ProcessIntegrityLevel", child.integrity)
            .s("ProcessTokenElevation", child.elevation)
            .t("ProcessCreationTime", child.created)
            .s("AccountDomain", child.account.domain.clone())
            .s("AccountName", child.account.name.clone())
            .s("AccountSid", child.account.sid.clone())
            .s("AccountUpn", child.account.upn.clone())
            .s("AccountObjectId", child.account.object_id.clone())
            .l("LogonId", child.logon_id)
            .l("InitiatingProcessLogonId", parent.logon_id)
            .l("CreatedProcessSessionId", child.session_id)
            .b("IsProcessRemoteSession", false);
        self.initiating(rb, &dev, parent)
    }

    /// A network event by `p`.
    #[allow(clippy::too_many_arguments)]
    pub fn network_row(
        &mut self,
        d: usize,
        t: i64,
        p: &Proc,
        action: &str,
        remote_ip: &str,
        remote_port: i64,
        remote_url: &str,
        protocol: &str,
    ) -> RowB {
        let rb = self.event("DeviceNetworkEvents", d, t);
        let dev = self.world.devices[d].clone();
        let local_port = self.rng.range(49152, 65535);
        let remote_type = if remote_ip.starts_with("10.") {
            "Private"
        } else {
            "Public"
        };
        let rb = rb
            .s("ActionType", action)
            .s("RemoteIP", remote_ip)
            .l("RemotePort", remote_port)
            .s("RemoteUrl", remote_url)
            .s("LocalIP", dev.ip.clone())
            .l("LocalPort", local_port)
            .s("Protocol", protocol)
            .s("LocalIPType", "Private")
            .s("RemoteIPType", remote_type);
        self.initiating(rb, &dev, p)
    }

    /// A file event by `p` on file `bin` (or, with `doc`, on a document: name, folder, size).
    pub fn file_row(
        &mut self,
        d: usize,
        t: i64,
        p: &Proc,
        action: &str,
        target: FileTarget,
    ) -> RowB {
        let rb = self.event("DeviceFileEvents", d, t);
        let dev = self.world.devices[d].clone();
        let rb = rb
            .s("ActionType", action)
            .s("FileName", target.name)
            .s("FolderPath", target.path)
            .s("SHA1", target.sha1)
            .s("SHA256", target.sha256)
            .s("MD5", target.md5)
            .l("FileSize", target.size)
            .s("FileOriginUrl", target.origin_url)
            .s("FileOriginReferrerUrl", target.referrer_url)
            .s("FileOriginIP", target.origin_ip)
            .s("PreviousFolderPath", target.previous_folder)
            .s("PreviousFileName", target.previous_name)
            .b("IsAzureInfoProtectionApplied", false);
        self.initiating(rb, &dev, p)
    }

    /// The file event target for binary `bin` on device `d`.
    pub fn binary_target(&self, d: usize, bin: usize) -> FileTarget {
        let b = &self.world.binaries[bin];
        let user = &self.world.devices[d].user.name;
        FileTarget {
            name: b.file_name.clone(),
            path: b.path_for(user),
            sha1: b.sha1.clone(),
            sha256: b.sha256.clone(),
            md5: b.md5.clone(),
            size: b.size,
            ..FileTarget::default()
        }
    }

    /// A DeviceFileCertificateInfo row for binary `bin` (signed by its certificate).
    pub fn cert_row(&mut self, d: usize, t: i64, bin: usize) -> Option<RowB> {
        let b = self.world.binaries[bin].clone();
        let c = self.world.certs[b.cert?].clone();
        let rb = self.event("DeviceFileCertificateInfo", d, t);
        let crl = serde_json::to_string(&c.crl_urls).unwrap_or_else(|_| "[]".into());
        let countersigned = if self.rng.chance(0.85) {
            let lo = c.not_before.max(t - 900 * crate::data::time::TICKS_PER_DAY);
            Some(self.rng.range(lo, t.max(lo + 1)))
        } else {
            None
        };
        let mut rb = rb
            .s("SHA1", b.sha1.clone())
            .b("IsSigned", true)
            .s(
                "SignatureType",
                if b.catalog_signed {
                    "Catalog"
                } else {
                    "Embedded"
                },
            )
            .s("Signer", c.signer.clone())
            .s("SignerHash", c.signer_hash.clone())
            .s("Issuer", c.issuer.clone())
            .s("IssuerHash", c.issuer_hash.clone())
            .s("CertificateSerialNumber", c.serial.clone())
            .s("CrlDistributionPointUrls", crl)
            .t("CertificateCreationTime", c.not_before)
            .t("CertificateExpirationTime", c.not_after)
            .b("IsTrusted", true)
            .b("IsRootSignerMicrosoft", c.root_microsoft);
        if let Some(cs) = countersigned {
            rb = rb.t("CertificateCountersignatureTime", cs);
        }
        Some(rb)
    }
}

/// What a file event is about.
#[derive(Clone, Debug, Default)]
pub struct FileTarget {
    pub name: String,
    pub path: String,
    pub sha1: String,
    pub sha256: String,
    pub md5: String,
    pub size: i64,
    pub origin_url: String,
    pub referrer_url: String,
    pub origin_ip: String,
    pub previous_folder: String,
    pub previous_name: String,
}

/// The internal name version information usually carries: the file name without extension.
fn internal_name(file: &str) -> String {
    match file.rsplit_once('.') {
        Some((stem, _)) => stem.to_string(),
        None => file.to_string(),
    }
}
