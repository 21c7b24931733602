//! Background noise: the bulk of the data. Benign software only (signers from `benign_signers.json`,
//! common domains), so that no background row matches any seed rule (asserted by tests/sample_data.rs).

use super::Gen;
use super::events::{FileTarget, Proc, RunAs};
use super::world::DeviceKind;
use crate::data::time::{TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND};

/// (weight, parent, child, runs as, command line template). `{exe}` is the child's path, `{user}` the
/// account, `{doc}`/`{xlsx}`/`{pdf}`/`{zip}` document names, `{n}` a number, `{host}` an internal server.
#[rustfmt::skip]
const PROCESS_TEMPLATES: &[(u32, &str, &str, RunAs, &str)] = &[
    (10, "explorer.exe", "chrome.exe", RunAs::User, "\"{exe}\""),
    (4, "chrome.exe", "chrome.exe", RunAs::User, "\"{exe}\" --type=renderer --lang=en-US --renderer-client-id={n} --mojo-platform-channel-handle={n} /prefetch:1"),
    (10, "explorer.exe", "msedge.exe", RunAs::User, "\"{exe}\" --single-argument https://contoso.sharepoint.com/sites/{dept}"),
    (4, "msedge.exe", "msedge.exe", RunAs::User, "\"{exe}\" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle={n} /prefetch:11"),
    (6, "explorer.exe", "OUTLOOK.EXE", RunAs::User, "\"{exe}\""),
    (6, "explorer.exe", "WINWORD.EXE", RunAs::User, "\"{exe}\" /n \"C:\\Users\\{user}\\Documents\\{doc}\""),
    (6, "explorer.exe", "EXCEL.EXE", RunAs::User, "\"{exe}\" \"C:\\Users\\{user}\\OneDrive - Contoso\\{xlsx}\""),
    (2, "explorer.exe", "POWERPNT.EXE", RunAs::User, "\"{exe}\""),
    (4, "explorer.exe", "ms-teams.exe", RunAs::User, "\"{exe}\" --system-initiated"),
    (2, "explorer.exe", "Zoom.exe", RunAs::User, "\"{exe}\" \"--url=zoommtg://zoom.us/join?action=join&confno={n}\""),
    (3, "explorer.exe", "AcroRd32.exe", RunAs::User, "\"{exe}\" \"C:\\Users\\{user}\\Downloads\\{pdf}\""),
    (1, "explorer.exe", "Acrobat.exe", RunAs::User, "\"{exe}\""),
    (2, "explorer.exe", "notepad.exe", RunAs::User, "\"{exe}\" C:\\Users\\{user}\\Desktop\\notes.txt"),
    (1, "explorer.exe", "notepad++.exe", RunAs::User, "\"{exe}\""),
    (1, "explorer.exe", "WinRAR.exe", RunAs::User, "\"{exe}\" x -iext -ow -ver -- \"C:\\Users\\{user}\\Downloads\\{zip}\" \"C:\\Users\\{user}\\Downloads\\\""),
    (1, "explorer.exe", "firefox.exe", RunAs::User, "\"{exe}\""),
    (1, "explorer.exe", "Code.exe", RunAs::User, "\"{exe}\""),
    (1, "explorer.exe", "javaw.exe", RunAs::User, "\"{exe}\" -jar \"C:\\Users\\{user}\\Apps\\reporting-client.jar\""),
    (1, "explorer.exe", "mstsc.exe", RunAs::User, "\"{exe}\" /v:{host}"),
    (2, "explorer.exe", "cmd.exe", RunAs::User, "\"{exe}\""),
    (2, "explorer.exe", "powershell.exe", RunAs::User, "\"{exe}\""),
    (1, "cmd.exe", "ipconfig.exe", RunAs::User, "ipconfig  /all"),
    (1, "cmd.exe", "whoami.exe", RunAs::User, "whoami"),
    (1, "cmd.exe", "net.exe", RunAs::User, "net  use"),
    (1, "cmd.exe", "tasklist.exe", RunAs::User, "tasklist"),
    (2, "cmd.exe", "conhost.exe", RunAs::User, "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"),
    (2, "powershell.exe", "conhost.exe", RunAs::User, "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"),
    (6, "svchost.exe", "taskhostw.exe", RunAs::User, "taskhostw.exe {GUID}"),
    (6, "svchost.exe", "RuntimeBroker.exe", RunAs::User, "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding"),
    (3, "svchost.exe", "backgroundTaskHost.exe", RunAs::User, "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca"),
    (8, "services.exe", "svchost.exe", RunAs::System, "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s {svc}"),
    (4, "svchost.exe", "WmiPrvSE.exe", RunAs::System, "C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding"),
    (3, "svchost.exe", "SearchProtocolHost.exe", RunAs::System, "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe{n}_ Global\\UsGthrCtrlFltPipeMssGthrPipe{n} 1 -2147483646 \"Software\\Microsoft\\Windows Search\""),
    (3, "svchost.exe", "MicrosoftEdgeUpdate.exe", RunAs::System, "\"{exe}\" /ua /installsource scheduler"),
    (2, "svchost.exe", "GoogleUpdate.exe", RunAs::System, "\"{exe}\" /ua /installsource scheduler"),
    (2, "svchost.exe", "MpCmdRun.exe", RunAs::System, "\"{exe}\" SignatureUpdate -ScheduleJob -RestrictPrivileges"),
    (2, "services.exe", "OfficeClickToRun.exe", RunAs::System, "\"{exe}\" /service"),
    (1, "services.exe", "msiexec.exe", RunAs::System, "C:\\Windows\\system32\\msiexec.exe /V"),
    (1, "services.exe", "SenseCncProxy.exe", RunAs::System, "\"{exe}\""),
    (2, "svchost.exe", "powershell.exe", RunAs::System, "\"{exe}\" -NoProfile -ExecutionPolicy Bypass -File \"C:\\ProgramData\\Contoso\\Scripts\\Get-Inventory.ps1\""),
    (1, "svchost.exe", "powershell.exe", RunAs::System, "powershell.exe -NoProfile -Command \"$s = Get-Service | Where-Object {$_.Status -eq 'Running'}\n$s | Export-Csv -Path C:\\ProgramData\\Contoso\\services.csv -NoTypeInformation\""),
    (1, "svchost.exe", "ContosoInventory.exe", RunAs::System, "\"{exe}\" --upload https://inventory.contoso.com/api/v2"),
];

/// (weight, process, runs as, domains, port, protocol).
type NetworkTemplate = (
    u32,
    &'static str,
    RunAs,
    &'static [&'static str],
    i64,
    &'static str,
);

#[rustfmt::skip]
const NETWORK_TEMPLATES: &[NetworkTemplate] = &[
    (14, "chrome.exe", RunAs::User, &["www.google.com", "www.gstatic.com", "fonts.gstatic.com", "clients2.google.com", "accounts.google.com", "www.youtube.com", "github.com", "stackoverflow.com", "en.wikipedia.org", "www.linkedin.com", "login.microsoftonline.com", "contoso.sharepoint.com", "cdn.jsdelivr.net", "ajax.googleapis.com", "www.amazon.com"], 443, "Tcp"),
    (14, "msedge.exe", RunAs::User, &["www.bing.com", "login.microsoftonline.com", "www.office.com", "contoso.sharepoint.com", "contoso-my.sharepoint.com", "learn.microsoft.com", "edge.microsoft.com", "ntp.msn.com", "assets.msn.com", "www.linkedin.com", "github.com"], 443, "Tcp"),
    (2, "firefox.exe", RunAs::User, &["www.mozilla.org", "detectportal.firefox.com", "www.google.com", "en.wikipedia.org"], 443, "Tcp"),
    (8, "OUTLOOK.EXE", RunAs::User, &["outlook.office365.com", "outlook.office.com", "substrate.office.com", "login.microsoftonline.com"], 443, "Tcp"),
    (8, "ms-teams.exe", RunAs::User, &["teams.microsoft.com", "teams.events.data.microsoft.com", "presence.teams.microsoft.com", "statics.teams.cdn.office.net", "login.microsoftonline.com"], 443, "Tcp"),
    (4, "OneDrive.exe", RunAs::User, &["contoso-my.sharepoint.com", "oneclient.sfx.ms", "g.live.com", "skydrive.wns.windows.com"], 443, "Tcp"),
    (2, "WINWORD.EXE", RunAs::User, &["contoso.sharepoint.com", "officeclient.microsoft.com", "nexusrules.officeapps.live.com"], 443, "Tcp"),
    (2, "EXCEL.EXE", RunAs::User, &["contoso.sharepoint.com", "officeclient.microsoft.com"], 443, "Tcp"),
    (2, "Zoom.exe", RunAs::User, &["zoom.us", "us04web.zoom.us", "us05web.zoom.us", "log.zoom.us"], 443, "Tcp"),
    (1, "AcroRd32.exe", RunAs::User, &["acroipm2.adobe.com", "p13n.adobe.io"], 443, "Tcp"),
    (1, "Code.exe", RunAs::User, &["update.code.visualstudio.com", "marketplace.visualstudio.com", "vscode.download.prss.microsoft.com"], 443, "Tcp"),
    (1, "javaw.exe", RunAs::User, &["repo.maven.apache.org", "javadl-esd-secure.oracle.com"], 443, "Tcp"),
    (8, "svchost.exe", RunAs::System, &["settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "fe3cr.delivery.mp.microsoft.com", "slscr.update.microsoft.com", "login.live.com"], 443, "Tcp"),
    (2, "svchost.exe", RunAs::System, &["ctldl.windowsupdate.com"], 80, "Tcp"),
    (1, "svchost.exe", RunAs::System, &["time.windows.com"], 123, "Udp"),
    (6, "MsSense.exe", RunAs::System, &["winatp-gw-weu.microsoft.com", "edr-weu3.eu.endpoint.security.microsoft.com", "eu-v20.events.data.microsoft.com"], 443, "Tcp"),
    (3, "MsMpEng.exe", RunAs::System, &["wdcp.microsoft.com", "wdcpalt.microsoft.com", "definitionupdates.microsoft.com"], 443, "Tcp"),
    (2, "updater.exe", RunAs::System, &["update.googleapis.com", "dl.google.com", "edgedl.me.gvt1.com"], 443, "Tcp"),
    (2, "MicrosoftEdgeUpdate.exe", RunAs::System, &["msedge.api.cdp.microsoft.com", "msedge.b.tlu.dl.delivery.mp.microsoft.com"], 443, "Tcp"),
    (2, "OfficeClickToRun.exe", RunAs::System, &["officecdn.microsoft.com", "mrodevicemgr.officeapps.live.com"], 443, "Tcp"),
    (1, "AdobeARM.exe", RunAs::System, &["armmf.adobe.com", "ardownload2.adobe.com"], 443, "Tcp"),
    (1, "ContosoInventory.exe", RunAs::System, &["inventory.contoso.com"], 443, "Tcp"),
];

const DOCS: &[&str] = &[
    "Q3 report.docx",
    "Meeting notes 2026-11.docx",
    "Contract draft v3.docx",
    "Onboarding checklist.docx",
    "Proposal - Northwind.docx",
    "Travel policy.docx",
    "Team charter.docx",
];
const SHEETS: &[&str] = &[
    "Budget 2027, draft.xlsx",
    "Forecast FY27.xlsx",
    "Headcount.xlsx",
    "Invoices November.xlsx",
    "KPIs.xlsx",
    "Expenses Q4.xlsx",
];
const PDFS: &[&str] = &[
    "invoice_4432.pdf",
    "Statement Oct 2026.pdf",
    "datasheet.pdf",
    "Benefits guide 2027.pdf",
    "receipt-77120.pdf",
    "whitepaper_zero_trust.pdf",
];
const ZIPS: &[&str] = &[
    "logs.zip",
    "photos.zip",
    "project-assets.zip",
    "export_2026-11.zip",
];
const SERVICES: &[&str] = &[
    "Schedule", "BITS", "wuauserv", "Appinfo", "gpsvc", "Winmgmt", "DsmSvc", "UsoSvc",
];
const DOWNLOAD_SITES: &[&str] = &[
    "contoso.sharepoint.com",
    "github.com",
    "www.northwindtraders.com",
    "docs.fabrikam.com",
    "www.adatum.com",
];

/// Which process writes an updated binary (for the file event before a certificate row).
fn writer_of(file: &str) -> &'static str {
    match file {
        "chrome.exe" | "GoogleUpdate.exe" => "updater.exe",
        "msedge.exe" | "MicrosoftEdgeUpdate.exe" => "MicrosoftEdgeUpdate.exe",
        "OUTLOOK.EXE" | "WINWORD.EXE" | "EXCEL.EXE" | "POWERPNT.EXE" => "OfficeClickToRun.exe",
        "Acrobat.exe" | "AcroRd32.exe" => "AdobeARM.exe",
        "firefox.exe" => "maintenanceservice.exe",
        "OneDrive.exe" => "OneDrive.exe",
        "Zoom.exe" => "Zoom.exe",
        "MsMpEng.exe" | "MpCmdRun.exe" => "MsMpEng.exe",
        "iigd_dch.sys" | "RtkAudUService64.exe" => "svchost.exe",
        "java.exe" | "javaw.exe" | "WinRAR.exe" | "notepad++.exe" | "dotnet.exe"
        | "Qt6Core.dll" => "msiexec.exe",
        _ => "TiWorker.exe",
    }
}

/// Per-user files get written by the user; everything else by SYSTEM.
fn writer_runs_as(writer: &str, folder: &str) -> RunAs {
    if folder.contains("{user}") || writer == "OneDrive.exe" {
        RunAs::User
    } else {
        RunAs::System
    }
}

impl Gen<'_> {
    /// A background event time: uniform over the window, fewer at night and at weekends.
    fn background_time(&mut self) -> i64 {
        loop {
            let t = self.window_start + self.rng.range(0, self.reference - self.window_start);
            let hour = (t.rem_euclid(TICKS_PER_DAY) / TICKS_PER_HOUR) as usize;
            let day = t.div_euclid(TICKS_PER_DAY); // 1970-01-01 was a Thursday
            let weekday = (day + 3).rem_euclid(7); // 0 = Monday
            let hour_weight = if (7..19).contains(&hour) { 1.0 } else { 0.25 };
            let day_weight = if weekday >= 5 { 0.35 } else { 1.0 };
            if self.rng.unit() < hour_weight * day_weight {
                return t;
            }
        }
    }

    fn fill(&mut self, template: &str, d: usize, exe: &str) -> String {
        let dev = &self.world.devices[d];
        let user = dev.user.name.clone();
        let dept = dev.dept;
        let host = {
            let servers: Vec<usize> = (0..self.world.devices.len())
                .filter(|&i| self.world.devices[i].kind == DeviceKind::Server)
                .collect();
            let k = self.rng.pick(&servers).copied().unwrap_or(0);
            self.world.devices[k].name.clone()
        };
        let doc = self.rng.pick(DOCS).copied().unwrap_or("notes.docx");
        let xlsx = self.rng.pick(SHEETS).copied().unwrap_or("book.xlsx");
        let pdf = self.rng.pick(PDFS).copied().unwrap_or("file.pdf");
        let zip = self.rng.pick(ZIPS).copied().unwrap_or("files.zip");
        let svc = self.rng.pick(SERVICES).copied().unwrap_or("Schedule");
        let guid = self.rng.guid().to_ascii_uppercase();
        let mut out = template
            .replace("{exe}", exe)
            .replace("{user}", &user)
            .replace("{dept}", dept)
            .replace("{host}", &host)
            .replace("{doc}", doc)
            .replace("{xlsx}", xlsx)
            .replace("{pdf}", pdf)
            .replace("{zip}", zip)
            .replace("{svc}", svc)
            .replace("{GUID}", &format!("{{{guid}}}"));
        while let Some(i) = out.find("{n}") {
            let n = self.rng.range(1, 99_999).to_string();
            out.replace_range(i..i + 3, &n);
        }
        out
    }

    /// The parent process of a template at `t`.
    fn template_parent(&mut self, d: usize, t: i64, parent: &str, run_as: RunAs) -> Proc {
        match parent {
            "explorer.exe" => self.explorer(d, t),
            "services.exe" => self.services(d, t),
            "svchost.exe" => {
                if run_as == RunAs::User {
                    // Brokered user processes: the DcomLaunch host, running as the user's session.
                    let mut p = self.svchost(d, t, 2);
                    p.session_id = 0;
                    p
                } else {
                    let k = self.rng.index(6);
                    self.svchost(d, t, k)
                }
            }
            other => {
                let bin = self.world.binary(other).unwrap_or(0);
                let cmd = self.default_cmd(bin, &self.world.devices[d].user.name.clone());
                self.running(d, t, bin, run_as, cmd)
            }
        }
    }

    fn pick_device(&mut self) -> usize {
        loop {
            let d = self.rng.index(self.world.devices.len());
            let w = if self.world.devices[d].kind == DeviceKind::Server {
                0.5
            } else {
                1.0
            };
            if self.rng.unit() < w {
                return d;
            }
        }
    }

    pub fn background(&mut self) {
        let total = self.params.rows_per_day * self.params.days as usize;
        let mut made = 0usize;
        while made < total {
            let d = self.pick_device();
            let t = self.background_time();
            made += match self.rng.weighted(&[30, 40, 18, 12]) {
                0 => self.bg_process(d, t),
                1 => self.bg_network(d, t),
                2 => self.bg_file(d, t),
                _ => self.bg_signed_file(d, t),
            };
        }
    }

    fn bg_process(&mut self, d: usize, t: i64) -> usize {
        let server = self.world.devices[d].kind == DeviceKind::Server;
        let weights: Vec<u32> = PROCESS_TEMPLATES
            .iter()
            .map(|(w, _, _, run_as, _)| {
                if server && *run_as == RunAs::User {
                    w / 2
                } else {
                    *w
                }
            })
            .collect();
        let (_, parent, child, run_as, template) = PROCESS_TEMPLATES[self.rng.weighted(&weights)];
        let Some(bin) = self.world.binary(child) else {
            return 0;
        };
        let parent = self.template_parent(d, t, parent, run_as);
        let exe = self.world.binaries[bin].path_for(&self.world.devices[d].user.name);
        let cmd = self.fill(template, d, &exe);
        let mut child = self.child(d, &parent, bin, t, cmd);
        if run_as == RunAs::User && parent.account.is_system() {
            let dev = &self.world.devices[d];
            let boot = dev.boot_at(t);
            child.account = dev.user.clone();
            child.integrity = "Medium";
            child.elevation = "TokenElevationTypeLimited";
            child.session_id = 1;
            child.logon_id = boot.logon_id;
        }
        let row = self.process_row(d, t, &parent, &child);
        self.tables.add(row);
        1
    }

    fn bg_network(&mut self, d: usize, t: i64) -> usize {
        let server = self.world.devices[d].kind == DeviceKind::Server;
        // Internal traffic: DNS and LDAP to a domain controller, SMB to the file server, RDP into servers.
        if self.rng.chance(0.12) {
            let dc = self
                .world
                .devices
                .iter()
                .position(|x| x.name.starts_with("srv-dc-"))
                .unwrap_or(0);
            let fs = self
                .world
                .devices
                .iter()
                .position(|x| x.name.starts_with("srv-file-"))
                .unwrap_or(0);
            let (k, target, port, proto) = match self.rng.index(3) {
                0 => (3, dc, 53, "Udp"),
                1 => (0, dc, 389, "Tcp"),
                _ => (1, fs, 445, "Tcp"),
            };
            let p = self.svchost(d, t, k);
            let ip = self.world.devices[target].ip.clone();
            let row = self.network_row(d, t, &p, "ConnectionSuccess", &ip, port, "", proto);
            self.tables.add(row);
            return 1;
        }
        if server && self.rng.chance(0.3) {
            let p = self.svchost(d, t, 0);
            let from = self.rng.index(self.world.devices.len());
            let ip = self.world.devices[from].ip.clone();
            let row = self.network_row(d, t, &p, "InboundConnectionAccepted", &ip, 3389, "", "Tcp");
            let row = row
                .l("LocalPort", 3389)
                .l("RemotePort", self.rng.range(49152, 65535));
            self.tables.add(row);
            return 1;
        }
        let weights: Vec<u32> = NETWORK_TEMPLATES
            .iter()
            .map(|(w, _, run_as, ..)| {
                if server && *run_as == RunAs::User {
                    w / 4
                } else {
                    *w
                }
            })
            .collect();
        let (_, process, run_as, domains, port, proto) =
            NETWORK_TEMPLATES[self.rng.weighted(&weights)];
        let Some(bin) = self.world.binary(process) else {
            return 0;
        };
        let p = if process == "svchost.exe" {
            let k = self.rng.index(6);
            self.svchost(d, t, k)
        } else {
            let cmd = self.default_cmd(bin, &self.world.devices[d].user.name.clone());
            self.running(d, t, bin, run_as, cmd)
        };
        let host = self.rng.pick(domains).copied().unwrap_or("www.bing.com");
        let ip = self.world.ip_for(&mut self.rng, host);
        let action = match self.rng.weighted(&[90, 6, 4]) {
            0 => "ConnectionSuccess",
            1 => "ConnectionFailed",
            _ => "ConnectionRequest",
        };
        let row = self.network_row(d, t, &p, action, &ip, port, host, proto);
        self.tables.add(row);
        1
    }

    fn document(&mut self, name: &str, folder: &str) -> FileTarget {
        FileTarget {
            name: name.to_string(),
            path: format!("{folder}{name}"),
            sha1: self.rng.hex(40),
            sha256: self.rng.hex(64),
            md5: self.rng.hex(32),
            size: self.rng.range(12_000, 9_000_000),
            ..FileTarget::default()
        }
    }

    fn bg_file(&mut self, d: usize, t: i64) -> usize {
        let user = self.world.devices[d].user.name.clone();
        let kind = self.rng.weighted(&[6, 6, 3, 4, 3, 2]);
        let (process, run_as, action, target) = match kind {
            0 => {
                // A browser download.
                let browser = if self.rng.chance(0.5) {
                    "chrome.exe"
                } else {
                    "msedge.exe"
                };
                let name = match self.rng.index(3) {
                    0 => self.rng.pick(PDFS).copied().unwrap_or("file.pdf"),
                    1 => self.rng.pick(SHEETS).copied().unwrap_or("book.xlsx"),
                    _ => self.rng.pick(ZIPS).copied().unwrap_or("files.zip"),
                };
                let site = self
                    .rng
                    .pick(DOWNLOAD_SITES)
                    .copied()
                    .unwrap_or("github.com");
                let mut f = self.document(name, &format!(r"C:\Users\{user}\Downloads\"));
                f.origin_url = format!("https://{site}/files/{}", name.replace(' ', "%20"));
                f.referrer_url = format!("https://{site}/");
                f.origin_ip = self.world.ip_for(&mut self.rng, site);
                (browser, RunAs::User, "FileCreated", f)
            }
            1 => {
                let (app, name) = if self.rng.chance(0.5) {
                    (
                        "WINWORD.EXE",
                        self.rng.pick(DOCS).copied().unwrap_or("notes.docx"),
                    )
                } else {
                    (
                        "EXCEL.EXE",
                        self.rng.pick(SHEETS).copied().unwrap_or("book.xlsx"),
                    )
                };
                let folder = if self.rng.chance(0.6) {
                    format!(r"C:\Users\{user}\OneDrive - Contoso\")
                } else {
                    format!(r"C:\Users\{user}\Documents\")
                };
                let f = self.document(name, &folder);
                (app, RunAs::User, "FileModified", f)
            }
            2 => {
                let name = self.rng.pick(DOCS).copied().unwrap_or("notes.docx");
                let f = self.document(
                    name,
                    &format!(r"C:\Users\{user}\OneDrive - Contoso\Shared\"),
                );
                ("OneDrive.exe", RunAs::User, "FileCreated", f)
            }
            3 => {
                let name = format!("{}.tmp", self.rng.guid().to_ascii_uppercase());
                let f = self.document(&name, r"C:\Windows\Temp\");
                let action = if self.rng.chance(0.5) {
                    "FileCreated"
                } else {
                    "FileDeleted"
                };
                ("msiexec.exe", RunAs::System, action, f)
            }
            4 => {
                let name = self.rng.pick(PDFS).copied().unwrap_or("file.pdf");
                let dir = self.rng.hex(8).to_ascii_uppercase();
                let f = self.document(
                    name,
                    &format!(r"C:\Users\{user}\AppData\Local\Microsoft\Windows\INetCache\Content.Outlook\{dir}\"),
                );
                ("OUTLOOK.EXE", RunAs::User, "FileCreated", f)
            }
            _ => {
                let name = self.rng.pick(DOCS).copied().unwrap_or("notes.docx");
                let folder = format!(r"C:\Users\{user}\Documents\");
                let mut f = self.document(name, &folder);
                f.previous_folder = folder.clone();
                f.previous_name = format!("~WRL{:04}.tmp", self.rng.range(0, 9999));
                ("WINWORD.EXE", RunAs::User, "FileRenamed", f)
            }
        };
        let Some(bin) = self.world.binary(process) else {
            return 0;
        };
        let cmd = self.default_cmd(bin, &user);
        let p = self.running(d, t, bin, run_as, cmd);
        let row = self.file_row(d, t, &p, action, target);
        self.tables.add(row);
        1
    }

    /// An updated signed binary: the file write, then its certificate row a few minutes later.
    fn bg_signed_file(&mut self, d: usize, t: i64) -> usize {
        let signed: Vec<usize> = (0..self.world.binaries.len())
            .filter(|&i| {
                self.world.binaries[i].cert.is_some()
                    && !self.world.binaries[i].file_name.is_empty()
            })
            .filter(|&i| is_benign_software(&self.world.binaries[i].file_name))
            .collect();
        let Some(&bin) = self.rng.pick(&signed) else {
            return 0;
        };
        let file = self.world.binaries[bin].file_name.clone();
        let folder = self.world.binaries[bin].folder.clone();
        let writer = writer_of(&file);
        let Some(wbin) = self.world.binary(writer) else {
            return 0;
        };
        let user = self.world.devices[d].user.name.clone();
        let cmd = self.default_cmd(wbin, &user);
        let p = self.running(d, t, wbin, writer_runs_as(writer, &folder), cmd);
        let target = self.binary_target(d, bin);
        let action = if self.rng.chance(0.7) {
            "FileModified"
        } else {
            "FileCreated"
        };
        let row = self.file_row(d, t, &p, action, target);
        self.tables.add(row);
        let later = t + self.rng.range(30 * TICKS_PER_SECOND, 25 * TICKS_PER_MINUTE);
        if later >= self.reference {
            return 1;
        }
        match self.cert_row(d, later, bin) {
            Some(row) => {
                self.tables.add(row);
                2
            }
            None => 1,
        }
    }
}

/// Only the benign catalogue is background (RMM tools are added to the world later, as plants).
fn is_benign_software(file: &str) -> bool {
    super::world::SOFTWARE.iter().any(|(f, ..)| *f == file)
}
