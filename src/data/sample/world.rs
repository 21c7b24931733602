//! The simulated estate: devices and their users, the software on them (files with stable hashes, version
//! information and signing certificates), and the processes that run.

use std::collections::HashMap;

use super::facts::Facts;
use super::rng::Rng;
use crate::data::time::{TICKS_PER_DAY, TICKS_PER_SECOND, parse_datetime};

pub const DOMAIN_NETBIOS: &str = "CONTOSO";
pub const DNS_SUFFIX: &str = "contoso.local";
pub const UPN_SUFFIX: &str = "contoso.com";

#[derive(Clone, Debug)]
pub struct Account {
    pub domain: String,
    pub name: String,
    pub sid: String,
    pub upn: String,
    pub object_id: String,
}

impl Account {
    pub fn system() -> Account {
        Account {
            domain: "nt authority".into(),
            name: "system".into(),
            sid: "S-1-5-18".into(),
            upn: String::new(),
            object_id: String::new(),
        }
    }
    pub fn is_system(&self) -> bool {
        self.sid == "S-1-5-18"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    Workstation,
    Laptop,
    Server,
}

#[derive(Clone, Debug)]
pub struct Os {
    pub platform: &'static str,
    pub build: i64,
    pub version_info: &'static str,
}

const OSES: &[Os] = &[
    Os {
        platform: "Windows11",
        build: 26100,
        version_info: "24H2",
    },
    Os {
        platform: "Windows11",
        build: 22631,
        version_info: "23H2",
    },
    Os {
        platform: "Windows10",
        build: 19045,
        version_info: "22H2",
    },
];
const SERVER_OSES: &[Os] = &[
    Os {
        platform: "WindowsServer2022",
        build: 20348,
        version_info: "21H2",
    },
    Os {
        platform: "WindowsServer2019",
        build: 17763,
        version_info: "1809",
    },
];

#[derive(Clone, Debug)]
pub struct Boot {
    pub at: i64,
    pub wininit_pid: i64,
    pub services_pid: i64,
    pub svchost_pids: Vec<i64>,
    pub userinit_pid: i64,
    pub explorer_pid: i64,
    pub logon_id: i64,
}

#[derive(Clone, Debug)]
pub struct Device {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub dept: &'static str,
    pub os: Os,
    pub ip: String,
    pub public_ip: String,
    pub user: Account,
    pub model: &'static str,
    pub vendor: &'static str,
    pub aad_device_id: String,
    pub azure_ad_joined: bool,
    pub machine_group: String,
    pub exposure: &'static str,
    pub snapshot_offset: i64,
    pub report_counter: i64,
    pub boots: Vec<Boot>,
}

impl Device {
    /// The next ReportId: a per-device counter that moves on by a small step.
    pub fn next_report_id(&mut self, rng: &mut Rng) -> i64 {
        self.report_counter += rng.range(1, 40);
        self.report_counter
    }

    /// The boot session running at `t` (the first one for earlier times).
    pub fn boot_at(&self, t: i64) -> &Boot {
        self.boots
            .iter()
            .rev()
            .find(|b| b.at <= t)
            .or(self.boots.first())
            .unwrap_or(&EMPTY_BOOT)
    }
}

static EMPTY_BOOT: Boot = Boot {
    at: 0,
    wininit_pid: 0,
    services_pid: 0,
    svchost_pids: Vec::new(),
    userinit_pid: 0,
    explorer_pid: 0,
    logon_id: 0,
};

/// A signing certificate as DeviceFileCertificateInfo shows it.
#[derive(Clone, Debug)]
pub struct Cert {
    pub signer: String,
    pub issuer: String,
    pub signer_hash: String,
    pub issuer_hash: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    pub crl_urls: Vec<String>,
    pub root_microsoft: bool,
}

/// A file with stable hashes and version information.
#[derive(Clone, Debug)]
pub struct Binary {
    pub file_name: String,
    /// May contain `{user}`.
    pub folder: String,
    pub sha1: String,
    pub sha256: String,
    pub md5: String,
    pub size: i64,
    pub company: String,
    pub product: String,
    pub version: String,
    pub description: String,
    pub original_name: String,
    pub cert: Option<usize>,
    /// `Catalog` for files signed through a catalog (inbox Windows files), else `Embedded`.
    pub catalog_signed: bool,
}

impl Binary {
    pub fn folder_for(&self, user: &str) -> String {
        self.folder.replace("{user}", user)
    }
    pub fn path_for(&self, user: &str) -> String {
        format!("{}{}", self.folder_for(user), self.file_name)
    }
}

/// Software that runs in the background noise: (file, folder, signer, company, product, version,
/// description). Every signer is one of `benign_signers.json`; an empty signer is an unsigned file.
#[rustfmt::skip]
pub const SOFTWARE: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("wininit.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows Start-Up Application"),
    ("services.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Services and Controller app"),
    ("svchost.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Host Process for Windows Services"),
    ("userinit.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Userinit Logon Application"),
    ("explorer.exe", r"C:\Windows\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows Explorer"),
    ("cmd.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows Command Processor"),
    ("powershell.exe", r"C:\Windows\System32\WindowsPowerShell\v1.0\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows PowerShell"),
    ("conhost.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Console Window Host"),
    ("RuntimeBroker.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Runtime Broker"),
    ("taskhostw.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Host Process for Windows Tasks"),
    ("backgroundTaskHost.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Background Task Host"),
    ("SearchProtocolHost.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Microsoft Windows Search Protocol Host"),
    ("WmiPrvSE.exe", r"C:\Windows\System32\wbem\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "WMI Provider Host"),
    ("msiexec.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows\u{ae} installer"),
    ("ipconfig.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "IP Configuration Utility"),
    ("whoami.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "whoami - displays logged on user information"),
    ("net.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Net Command"),
    ("tasklist.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Lists the current running tasks."),
    ("notepad.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Notepad"),
    ("mstsc.exe", r"C:\Windows\System32\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Remote Desktop Connection"),
    ("TiWorker.exe", r"C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.26100.2303_none_5b2bf9d5c9e0f4a1\", "Microsoft Windows", "Microsoft Corporation", WINDOWS, WINVER, "Windows Modules Installer Worker"),
    ("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\", "Microsoft Windows Publisher", "Microsoft Corporation", "Microsoft\u{ae} Windows\u{ae} Operating System", "4.18.24090.11", "Antimalware Service Executable"),
    ("MpCmdRun.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\", "Microsoft Windows Publisher", "Microsoft Corporation", "Microsoft\u{ae} Windows\u{ae} Operating System", "4.18.24090.11", "Microsoft Malware Protection Command Line Utility"),
    ("MsSense.exe", r"C:\Program Files\Windows Defender Advanced Threat Protection\", "Microsoft Windows Publisher", "Microsoft Corporation", "Microsoft\u{ae} Windows\u{ae} Operating System", "10.8760.26100.1882", "Windows Defender Advanced Threat Protection Service Executable"),
    ("SenseCncProxy.exe", r"C:\Program Files\Windows Defender Advanced Threat Protection\", "Microsoft Windows Publisher", "Microsoft Corporation", "Microsoft\u{ae} Windows\u{ae} Operating System", "10.8760.26100.1882", "Windows Defender Advanced Threat Protection Communication Module"),
    ("msedge.exe", r"C:\Program Files (x86)\Microsoft\Edge\Application\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Edge", "131.0.2903.86", "Microsoft Edge"),
    ("MicrosoftEdgeUpdate.exe", r"C:\Program Files (x86)\Microsoft\EdgeUpdate\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Edge Update", "1.3.195.35", "Microsoft Edge Update"),
    ("OUTLOOK.EXE", r"C:\Program Files\Microsoft Office\root\Office16\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Outlook", "16.0.18129.20158", "Microsoft Outlook"),
    ("WINWORD.EXE", r"C:\Program Files\Microsoft Office\root\Office16\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Office", "16.0.18129.20158", "Microsoft Word"),
    ("EXCEL.EXE", r"C:\Program Files\Microsoft Office\root\Office16\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Office", "16.0.18129.20158", "Microsoft Excel"),
    ("POWERPNT.EXE", r"C:\Program Files\Microsoft Office\root\Office16\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Office", "16.0.18129.20158", "Microsoft PowerPoint"),
    ("OfficeClickToRun.exe", r"C:\Program Files\Common Files\microsoft shared\ClickToRun\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Office", "16.0.18129.20158", "Microsoft Office Click-to-Run (SxS)"),
    ("ms-teams.exe", r"C:\Program Files\WindowsApps\MSTeams_24295.606.3238.6194_x64__8wekyb3d8bbwe\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft Teams", "24295.606.3238.6194", "Microsoft Teams"),
    ("OneDrive.exe", r"C:\Program Files\Microsoft OneDrive\", "Microsoft Corporation", "Microsoft Corporation", "Microsoft OneDrive", "24.211.1020.0003", "Microsoft OneDrive"),
    ("Code.exe", r"C:\Users\{user}\AppData\Local\Programs\Microsoft VS Code\", "Microsoft Corporation", "Microsoft Corporation", "Visual Studio Code", "1.95.3", "Visual Studio Code"),
    ("dotnet.exe", r"C:\Program Files\dotnet\", ".NET", "Microsoft Corporation", "Microsoft\u{ae} .NET", "8.0.1124.51707", ".NET Host"),
    ("iigd_dch.sys", r"C:\Windows\System32\DriverStore\FileRepository\iigd_dch.inf_amd64_8e0d2e6ac7f1b3d5\", "Microsoft Windows Hardware Compatibility Publisher", "Intel Corporation", "Intel\u{ae} Graphics Driver", "32.0.101.6078", "Intel\u{ae} Graphics Kernel Mode Driver"),
    ("chrome.exe", r"C:\Program Files\Google\Chrome\Application\", "Google LLC", "Google LLC", "Google Chrome", "131.0.6778.86", "Google Chrome"),
    ("GoogleUpdate.exe", r"C:\Program Files (x86)\Google\Update\", "Google LLC", "Google LLC", "Google Update", "1.3.36.372", "Google Installer"),
    ("updater.exe", r"C:\Program Files (x86)\Google\GoogleUpdater\131.0.6727.0\", "Google LLC", "Google LLC", "Google Updater", "131.0.6727.0", "Google Updater"),
    ("firefox.exe", r"C:\Program Files\Mozilla Firefox\", "Mozilla Corporation", "Mozilla Corporation", "Firefox", "133.0.0.8700", "Firefox"),
    ("maintenanceservice.exe", r"C:\Program Files (x86)\Mozilla Maintenance Service\", "Mozilla Corporation", "Mozilla Foundation", "Firefox", "133.0.0.8700", "Mozilla Maintenance Service"),
    ("Acrobat.exe", r"C:\Program Files\Adobe\Acrobat DC\Acrobat\", "Adobe Inc.", "Adobe Systems Incorporated", "Adobe Acrobat", "24.4.20272.0", "Adobe Acrobat"),
    ("AcroRd32.exe", r"C:\Program Files (x86)\Adobe\Acrobat Reader DC\Reader\", "Adobe Inc.", "Adobe Systems Incorporated", "Adobe Acrobat Reader", "24.4.20272.0", "Adobe Acrobat Reader"),
    ("AdobeARM.exe", r"C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\", "Adobe Inc.", "Adobe Inc.", "Adobe Reader and Acrobat Manager", "1.824.460.1042", "Adobe Reader and Acrobat Manager"),
    ("armsvc.exe", r"C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\", "Adobe Systems Incorporated", "Adobe Systems Incorporated", "Adobe Acrobat Update Service", "1.824.16.4282", "Adobe Acrobat Update Service"),
    ("Zoom.exe", r"C:\Users\{user}\AppData\Roaming\Zoom\bin\", "Zoom Video Communications, Inc.", "Zoom Video Communications, Inc.", "Zoom", "6.2.11.52813", "Zoom Meetings"),
    ("java.exe", r"C:\Program Files\Java\jre-1.8\bin\", "Oracle America, Inc.", "Oracle Corporation", "Java(TM) Platform SE 8", "8.0.4310.10", "Java(TM) Platform SE binary"),
    ("javaw.exe", r"C:\Program Files\Java\jre-1.8\bin\", "Oracle America, Inc.", "Oracle Corporation", "Java(TM) Platform SE 8", "8.0.4310.10", "Java(TM) Platform SE binary"),
    ("Qt6Core.dll", r"C:\Program Files\Wireshark\", "The Qt Company Oy", "The Qt Company Ltd.", "Qt6", "6.5.3.0", "C++ Application Development Framework"),
    ("notepad++.exe", r"C:\Program Files\Notepad++\", "Notepad++", "Don HO don.h@free.fr", "Notepad++", "8.7.1.0", "Notepad++"),
    ("RtkAudUService64.exe", r"C:\Windows\System32\DriverStore\FileRepository\realtekservice.inf_amd64_2c9e1f0d6b8a4c37\", "Realtek Semiconductor Corp.", "Realtek Semiconductor", "Realtek Audio Universal Service", "1.0.0.577", "Realtek Audio Universal Service"),
    ("WinRAR.exe", r"C:\Program Files\WinRAR\", "win.rar GmbH", "Alexander Roshal", "WinRAR", "7.1.0", "WinRAR archiver"),
    ("ContosoInventory.exe", r"C:\ProgramData\Contoso\Tools\", "", "Contoso Ltd.", "Contoso Inventory Agent", "2.4.1.0", "Contoso inventory collector"),
];

const WINDOWS: &str = "Microsoft\u{ae} Windows\u{ae} Operating System";
const WINVER: &str = "10.0.26100.2454";

const DEPTS: &[&str] = &["fin", "hr", "eng", "ops", "mkt", "sales", "it", "legal"];
const SERVER_ROLES: &[&str] = &["dc", "file", "sql", "app", "web", "print", "backup"];
const FIRST: &[&str] = &[
    "anna", "ben", "carla", "david", "elena", "farid", "grace", "hugo", "irene", "jonas", "karen",
    "luca", "maria", "nils", "olivia", "pavel", "quinn", "rosa", "sam", "tara", "umar", "vera",
    "will", "xenia", "yusuf", "zoe", "alice", "bruno", "chloe", "dmitri", "emma", "felix",
    "giulia", "henrik", "ines", "jack", "kenji", "lina",
];
const LAST: &[&str] = &[
    "rossi",
    "smith",
    "garcia",
    "muller",
    "novak",
    "kowalski",
    "tanaka",
    "dubois",
    "jansen",
    "silva",
    "brown",
    "nguyen",
    "johansson",
    "ferrari",
    "kim",
    "weber",
    "lopez",
    "schmidt",
    "khan",
    "olsen",
    "moreau",
    "bianchi",
    "fischer",
    "costa",
    "berg",
    "wright",
    "patel",
    "lind",
    "keller",
    "romano",
];
const WORKSTATION_MODELS: &[(&str, &str)] = &[
    ("Dell Inc.", "Latitude 7440"),
    ("Dell Inc.", "OptiPlex 7010"),
    ("LENOVO", "ThinkPad T14 Gen 4"),
    ("HP", "HP EliteBook 840 G10"),
    ("HP", "HP EliteDesk 800 G9"),
];
const SERVER_MODELS: &[(&str, &str)] = &[
    ("Microsoft Corporation", "Virtual Machine"),
    ("VMware, Inc.", "VMware7,1"),
    ("Dell Inc.", "PowerEdge R650"),
];

/// The estate.
pub struct World {
    pub devices: Vec<Device>,
    pub binaries: Vec<Binary>,
    pub certs: Vec<Cert>,
    by_name: HashMap<String, usize>,
    /// A domain's resolved address, fixed once chosen.
    ips: HashMap<String, String>,
}

impl World {
    pub fn binary(&self, file_name: &str) -> Option<usize> {
        self.by_name.get(&file_name.to_ascii_lowercase()).copied()
    }

    pub fn add_binary(&mut self, b: Binary) -> usize {
        let i = self.binaries.len();
        self.by_name
            .entry(b.file_name.to_ascii_lowercase())
            .or_insert(i);
        self.binaries.push(b);
        i
    }

    /// A stable public address for a host name.
    pub fn ip_for(&mut self, rng: &mut Rng, host: &str) -> String {
        if let Some(ip) = self.ips.get(host) {
            return ip.clone();
        }
        let h = host.to_ascii_lowercase();
        let ip = if h.ends_with("microsoft.com")
            || h.ends_with("office.com")
            || h.ends_with("office365.com")
            || h.ends_with("live.com")
            || h.ends_with("sharepoint.com")
            || h.ends_with("windowsupdate.com")
            || h.ends_with("microsoftonline.com")
            || h.ends_with("msn.com")
            || h.ends_with("office.net")
            || h.ends_with("windows.com")
        {
            let first = *rng.pick(&[13u8, 20, 40, 52]).unwrap_or(&20);
            format!(
                "{first}.{}.{}.{}",
                rng.range(1, 255),
                rng.range(0, 256),
                rng.range(1, 255)
            )
        } else if h.contains("google")
            || h.contains("gstatic")
            || h.contains("youtube")
            || h.ends_with("gvt1.com")
        {
            format!("142.250.{}.{}", rng.range(0, 256), rng.range(1, 255))
        } else {
            let first = *rng
                .pick(&[
                    3u8, 18, 23, 34, 35, 44, 54, 104, 151, 162, 172, 185, 199, 212,
                ])
                .unwrap_or(&104);
            let second = if first == 172 {
                rng.range(64, 255)
            } else {
                rng.range(0, 256)
            };
            format!(
                "{first}.{second}.{}.{}",
                rng.range(0, 256),
                rng.range(1, 255)
            )
        };
        self.ips.insert(host.to_string(), ip.clone());
        ip
    }

    pub fn build(
        rng: &mut Rng,
        facts: &Facts,
        devices: usize,
        window_start: i64,
        reference: i64,
    ) -> Result<World, String> {
        let domain_sid = format!(
            "S-1-5-21-{}-{}-{}",
            rng.range(1_000_000_000, 4_000_000_000),
            rng.range(1_000_000_000, 4_000_000_000),
            rng.range(100_000_000, 4_000_000_000)
        );
        let mut world = World {
            devices: Vec::with_capacity(devices),
            binaries: Vec::new(),
            certs: Vec::new(),
            by_name: HashMap::new(),
            ips: HashMap::new(),
        };
        // Certificates of the benign signers: one per signer and issuer pair.
        let mut cert_of_signer: HashMap<String, usize> = HashMap::new();
        for b in &facts.benign {
            let Some(signer) = b.signer.clone() else {
                continue;
            };
            let Some(issuer) = rng.pick(&b.issuers).cloned() else {
                continue;
            };
            let ms = issuer.starts_with("Microsoft");
            let serial = if ms {
                format!("330000{}", rng.hex(32))
            } else {
                rng.hex(32)
            };
            // Valid through the data window: issued a while ago, expiring after the reference time.
            let life = if ms {
                rng.range(300, 400)
            } else {
                rng.range(700, 1100)
            };
            let age = rng.range(30, life - 20);
            let not_before = if ms {
                reference
                    - age * TICKS_PER_DAY
                    - rng.range(0, TICKS_PER_DAY / TICKS_PER_SECOND) * TICKS_PER_SECOND
            } else {
                (reference - age * TICKS_PER_DAY).div_euclid(TICKS_PER_DAY) * TICKS_PER_DAY
            };
            let cert = Cert {
                signer: signer.clone(),
                issuer: issuer.clone(),
                signer_hash: rng.hex(40),
                issuer_hash: issuer_hash(&issuer),
                serial,
                not_before,
                not_after: not_before + life * TICKS_PER_DAY,
                crl_urls: crl_urls_for(&issuer),
                root_microsoft: b.is_root_signer_microsoft,
            };
            cert_of_signer.insert(signer, world.certs.len());
            world.certs.push(cert);
        }
        for (file, folder, signer, company, product, version, description) in SOFTWARE {
            let cert = if signer.is_empty() {
                None
            } else {
                Some(
                    *cert_of_signer
                        .get(*signer)
                        .ok_or_else(|| format!("no benign signer {signer} for {file}"))?,
                )
            };
            let b = Binary {
                file_name: file.to_string(),
                folder: folder.to_string(),
                sha1: rng.hex(40),
                sha256: rng.hex(64),
                md5: rng.hex(32),
                size: rng.range(40_000, 4_000_000),
                company: company.to_string(),
                product: product.to_string(),
                version: version.to_string(),
                description: description.to_string(),
                original_name: file.to_string(),
                cert,
                catalog_signed: *signer == "Microsoft Windows" && rng.chance(0.5),
            };
            world.add_binary(b);
        }
        // Devices.
        let n_servers = (devices / 7).max(2);
        let mut used_names = std::collections::HashSet::new();
        let mut users_used = std::collections::HashSet::new();
        for i in 0..devices {
            let kind = if i < n_servers {
                DeviceKind::Server
            } else if rng.chance(0.45) {
                DeviceKind::Laptop
            } else {
                DeviceKind::Workstation
            };
            let dept = *rng.pick(DEPTS).unwrap_or(&"it");
            let name = loop {
                let candidate = match kind {
                    DeviceKind::Server => {
                        let role = SERVER_ROLES[i % SERVER_ROLES.len()];
                        format!("srv-{role}-{:02}.{DNS_SUFFIX}", 1 + i / SERVER_ROLES.len())
                    }
                    DeviceKind::Laptop => {
                        format!("lt-{dept}-{:04}.{DNS_SUFFIX}", rng.range(1, 2000))
                    }
                    DeviceKind::Workstation => {
                        format!("ws-{dept}-{:04}.{DNS_SUFFIX}", rng.range(1, 2000))
                    }
                };
                if used_names.insert(candidate.clone()) {
                    break candidate;
                }
            };
            let (first, last) = loop {
                let f = *rng.pick(FIRST).unwrap_or(&"anna");
                let l = *rng.pick(LAST).unwrap_or(&"rossi");
                if users_used.insert((f, l)) || users_used.len() >= FIRST.len() * LAST.len() {
                    break (f, l);
                }
            };
            let account_name = match kind {
                DeviceKind::Server => format!("adm-{}{}", &first[..1], last),
                _ => format!("{}{}", &first[..1], last),
            };
            let user = Account {
                domain: DOMAIN_NETBIOS.to_string(),
                sid: format!("{domain_sid}-{}", 1100 + i as i64 * 3 + rng.range(0, 3)),
                upn: format!("{first}.{last}@{UPN_SUFFIX}"),
                object_id: rng.guid(),
                name: account_name,
            };
            let os = match kind {
                DeviceKind::Server => rng.pick(SERVER_OSES).cloned(),
                _ => rng.pick(OSES).cloned(),
            }
            .unwrap_or(Os {
                platform: "Windows11",
                build: 26100,
                version_info: "24H2",
            });
            let (vendor, model) = match kind {
                DeviceKind::Server => *rng
                    .pick(SERVER_MODELS)
                    .unwrap_or(&("Microsoft Corporation", "Virtual Machine")),
                _ => *rng
                    .pick(WORKSTATION_MODELS)
                    .unwrap_or(&("Dell Inc.", "Latitude 7440")),
            };
            let ip = match kind {
                DeviceKind::Server => format!("10.10.0.{}", 10 + i),
                _ => format!(
                    "10.{}.{}.{}",
                    20 + rng.range(0, 8),
                    rng.range(0, 64),
                    rng.range(2, 254)
                ),
            };
            let machine_group = match kind {
                DeviceKind::Server => "Servers".to_string(),
                _ => format!("{} Workstations", dept_name(dept)),
            };
            let mut device = Device {
                id: rng.hex(40),
                name,
                kind,
                dept,
                os,
                ip,
                public_ip: format!("198.51.100.{}", rng.range(10, 14)),
                user,
                model,
                vendor,
                aad_device_id: rng.guid(),
                azure_ad_joined: kind != DeviceKind::Server,
                machine_group,
                exposure: rng
                    .pick(&["Low", "Low", "Medium", "High"])
                    .copied()
                    .unwrap_or("Low"),
                snapshot_offset: rng.range(0, TICKS_PER_DAY),
                report_counter: rng.range(1_000, 900_000),
                boots: Vec::new(),
            };
            // Boots: one before the window, then every few days.
            let mut at = window_start
                - rng.range(1, 4 * TICKS_PER_DAY / TICKS_PER_SECOND) * TICKS_PER_SECOND;
            while at < reference + TICKS_PER_DAY {
                device.boots.push(new_boot(rng, at));
                at += rng.range(2 * TICKS_PER_DAY, 8 * TICKS_PER_DAY);
            }
            world.devices.push(device);
        }
        Ok(world)
    }

    /// Adds a signing certificate from `rmm_tools.json` (or a made-up one for a signer without a decoded
    /// certificate). Returns its index.
    #[allow(clippy::too_many_arguments)]
    pub fn add_cert(
        &mut self,
        rng: &mut Rng,
        signer: &str,
        issuer: &str,
        serial: Option<&str>,
        validity: Option<(&str, &str)>,
        crl: &[String],
        thumbprint: &str,
        reference: i64,
    ) -> usize {
        let (not_before, not_after) =
            match validity.and_then(|(a, b)| Some((parse_datetime(a)?, parse_datetime(b)?))) {
                Some(v) => v,
                None => {
                    let nb = (reference - rng.range(100, 700) * TICKS_PER_DAY)
                        .div_euclid(TICKS_PER_DAY)
                        * TICKS_PER_DAY;
                    (nb, nb + 1095 * TICKS_PER_DAY - TICKS_PER_SECOND)
                }
            };
        let cert = Cert {
            signer: signer.to_string(),
            issuer: issuer.to_string(),
            signer_hash: if thumbprint.is_empty() {
                rng.hex(40)
            } else {
                thumbprint.to_ascii_lowercase()
            },
            issuer_hash: issuer_hash(issuer),
            serial: serial.map(str::to_string).unwrap_or_else(|| rng.hex(32)),
            not_before,
            not_after,
            crl_urls: if crl.is_empty() {
                crl_urls_for(issuer)
            } else {
                crl.to_vec()
            },
            root_microsoft: false,
        };
        self.certs.push(cert);
        self.certs.len() - 1
    }
}

fn dept_name(d: &str) -> &'static str {
    match d {
        "fin" => "Finance",
        "hr" => "HR",
        "eng" => "Engineering",
        "ops" => "Operations",
        "mkt" => "Marketing",
        "sales" => "Sales",
        "legal" => "Legal",
        _ => "IT",
    }
}

fn new_boot(rng: &mut Rng, at: i64) -> Boot {
    let pid = |rng: &mut Rng, lo: i64, hi: i64| rng.range(lo / 4, hi / 4) * 4;
    Boot {
        at,
        wininit_pid: pid(rng, 500, 900),
        services_pid: pid(rng, 900, 1200),
        svchost_pids: (0..6).map(|_| pid(rng, 1200, 4000)).collect(),
        userinit_pid: pid(rng, 4000, 9000),
        explorer_pid: pid(rng, 4000, 12000),
        logon_id: rng.range(100_000, 9_000_000),
    }
}

/// The hash of an issuing CA: the same for the same name within one generation (derived from the name, so
/// it does not depend on when the CA is first met).
fn issuer_hash(issuer: &str) -> String {
    // FNV-1a over the name, stretched to 40 hex digits.
    let mut out = String::with_capacity(40);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..3 {
        for b in issuer.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(40);
    out
}

/// CRL distribution points of well-known issuing CAs (the pattern their certificates use); `[]` otherwise.
fn crl_urls_for(issuer: &str) -> Vec<String> {
    let compact: String = issuer
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if issuer.starts_with("DigiCert") {
        vec![
            format!("http://crl3.digicert.com/{compact}.crl"),
            format!("http://crl4.digicert.com/{compact}.crl"),
        ]
    } else if issuer == "Microsoft Code Signing PCA 2011" {
        vec!["http://www.microsoft.com/pkiops/crl/MicCodSigPCA2011_2011-07-08.crl".to_string()]
    } else if issuer == "Microsoft Windows Production PCA 2011" {
        vec!["http://www.microsoft.com/pkiops/crl/MicWinProPCA2011_2011-10-19.crl".to_string()]
    } else if issuer.starts_with("Sectigo") {
        vec![format!("http://crl.sectigo.com/{compact}.crl")]
    } else {
        Vec::new()
    }
}
