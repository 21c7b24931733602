//! `config.toml`: named connections to remote query services.
//!
//! The file lives in the config directory (`HUNTBENCH_CONFIG_DIR`, else the platform's config dir for
//! "huntbench", e.g. `~/.config/huntbench`). A missing file is no connections. Example:
//!
//! ```toml
//! [connections.prod]
//! kind = "loganalytics"          # loganalytics | defender | graph | adx
//! workspace = "00000000-0000-0000-0000-000000000000"
//! token_env = "HUNTBENCH_TOKEN"  # else client credentials (tenant = ...), else the Azure CLI
//!
//! [connections.lake]
//! kind = "adx"
//! base_url = "https://mycluster.westeurope.kusto.windows.net"
//! database = "Defender"
//! ```
//!
//! Secrets are never stored here: the file names the environment variables that hold them.

use crate::kql::diag::line_col;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The kinds of remote query service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Kind {
    /// The Log Analytics (Sentinel) query API: `POST /v1/workspaces/{id}/query`.
    #[serde(rename = "loganalytics", alias = "sentinel", alias = "log-analytics")]
    LogAnalytics,
    /// Defender XDR advanced hunting: `POST /api/advancedhunting/run`.
    #[serde(rename = "defender", alias = "xdr")]
    Defender,
    /// Microsoft Graph `runHuntingQuery`: `POST /v1.0/security/runHuntingQuery`.
    #[serde(rename = "graph")]
    Graph,
    /// Azure Data Explorer REST v1: `POST /v1/rest/query`.
    #[serde(rename = "adx", alias = "kusto")]
    Adx,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::LogAnalytics => "Log Analytics",
            Kind::Defender => "Defender XDR",
            Kind::Graph => "Microsoft Graph",
            Kind::Adx => "Azure Data Explorer",
        }
    }

    /// The service's public base URL (ADX has none: its cluster URL is required).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            Kind::LogAnalytics => Some("https://api.loganalytics.azure.com"),
            Kind::Defender => Some("https://api.security.microsoft.com"),
            Kind::Graph => Some("https://graph.microsoft.com"),
            Kind::Adx => None,
        }
    }

    /// The resource (token audience) of the service.
    pub fn default_resource(self) -> Option<&'static str> {
        match self {
            Kind::LogAnalytics => Some("https://api.loganalytics.io"),
            Kind::Defender => Some("https://api.security.microsoft.com"),
            Kind::Graph => Some("https://graph.microsoft.com"),
            Kind::Adx => None,
        }
    }
}

/// One `[connections.NAME]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    pub kind: Kind,
    /// The service's base URL (default: the public endpoint of the kind; for ADX the cluster URL).
    pub base_url: Option<String>,
    /// Log Analytics workspace id.
    pub workspace: Option<String>,
    /// ADX database.
    pub database: Option<String>,
    /// `timespan` (Log Analytics) / `Timespan` (Graph) sent with each query, ISO-8601 (`P30D`).
    pub timespan: Option<String>,
    /// Authentication: `env`, `azcli` or `client_credentials` (default: `env` when `token_env` is set,
    /// else `client_credentials` when `tenant` is set, else `azcli`).
    pub auth: Option<String>,
    /// The environment variable holding a bearer token.
    pub token_env: Option<String>,
    /// The token audience (default: the kind's resource; for ADX the cluster URL).
    pub resource: Option<String>,
    /// OAuth2 client credentials: the tenant id or domain.
    pub tenant: Option<String>,
    /// The environment variable holding the client id (default `AZURE_CLIENT_ID`).
    pub client_id_env: Option<String>,
    /// The environment variable holding the client secret (default `AZURE_CLIENT_SECRET`).
    pub client_secret_env: Option<String>,
    /// The OAuth2 token endpoint (default `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`).
    pub token_url: Option<String>,
    /// Seconds a query may take, request and response together (default 300).
    pub timeout_secs: Option<u64>,
    /// How many times a throttled (429/503) request is retried (default 3).
    pub max_retries: Option<u32>,
    /// The longest wait before a retry, in seconds, whatever Retry-After asks (default 60).
    pub max_retry_wait_secs: Option<u64>,
}

impl Connection {
    /// The base URL without a trailing slash.
    pub fn base_url(&self) -> Result<String, String> {
        match self.base_url.as_deref().or(self.kind.default_base_url()) {
            Some(u) => Ok(u.trim_end_matches('/').to_string()),
            None => Err("an adx connection needs `base_url`, the cluster URL (https://CLUSTER.REGION.kusto.windows.net)".into()),
        }
    }

    /// The token audience.
    pub fn resource(&self) -> Result<String, String> {
        match &self.resource {
            Some(r) => Ok(r.clone()),
            None => match self.kind.default_resource() {
                Some(r) => Ok(r.to_string()),
                None => self.base_url(),
            },
        }
    }

    /// What the connection points at, for listings and status lines.
    pub fn target(&self) -> String {
        let base = self.base_url().unwrap_or_else(|_| "(no base_url)".into());
        match self.kind {
            Kind::LogAnalytics => format!(
                "workspace {} at {base}",
                self.workspace.as_deref().unwrap_or("(none)")
            ),
            Kind::Adx => format!(
                "database {} at {base}",
                self.database.as_deref().unwrap_or("(none)")
            ),
            Kind::Defender | Kind::Graph => base,
        }
    }

    /// Missing settings the kind needs.
    pub fn validate(&self) -> Result<(), String> {
        self.base_url()?;
        match self.kind {
            Kind::LogAnalytics if self.workspace.is_none() => {
                Err("a loganalytics connection needs `workspace` (the workspace id)".into())
            }
            Kind::Adx if self.database.is_none() => {
                Err("an adx connection needs `database`".into())
            }
            _ => Ok::<(), String>(()),
        }?;
        match self.auth.as_deref() {
            None | Some("env" | "azcli" | "client_credentials") => Ok(()),
            Some(other) => Err(format!(
                "auth = \"{other}\" is not known: use \"env\", \"azcli\" or \"client_credentials\""
            )),
        }?;
        if self.auth.as_deref() == Some("env") && self.token_env.is_none() {
            return Err("auth = \"env\" needs `token_env`, the variable holding the token".into());
        }
        if self.auth.as_deref() == Some("client_credentials") && self.tenant.is_none() {
            return Err("auth = \"client_credentials\" needs `tenant`".into());
        }
        Ok(())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    connections: BTreeMap<String, Connection>,
}

/// The configuration: where it was read from and its connections.
#[derive(Debug, Default)]
pub struct Config {
    /// The file read (or that would be read: it may not exist).
    pub path: PathBuf,
    pub connections: BTreeMap<String, Connection>,
}

/// The config directory: `HUNTBENCH_CONFIG_DIR`, else the platform's config directory for huntbench.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HUNTBENCH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "huntbench").map(|p| p.config_dir().to_path_buf())
}

/// Reads `config.toml` from the config directory; no file is an empty configuration.
pub fn load() -> Result<Config, String> {
    let dir = config_dir().ok_or_else(|| {
        "no config directory (no home directory): set HUNTBENCH_CONFIG_DIR".to_string()
    })?;
    load_from(&dir.join("config.toml"))
}

/// Reads a config file; a missing file is an empty configuration.
pub fn load_from(path: &Path) -> Result<Config, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config {
                path: path.to_path_buf(),
                connections: BTreeMap::new(),
            });
        }
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let file: File = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(&text, s.start));
        format!(
            "{}:{line}:{col}: {}",
            path.display(),
            e.message().trim_end()
        )
    })?;
    for (name, c) in &file.connections {
        if let Err(e) = c.validate() {
            let (line, col) = text
                .find(&format!("[connections.{name}]"))
                .map_or((1, 1), |o| line_col(&text, o));
            return Err(format!(
                "{}:{line}:{col}: connection `{name}`: {e}",
                path.display()
            ));
        }
    }
    Ok(Config {
        path: path.to_path_buf(),
        connections: file.connections,
    })
}

impl Config {
    /// The connection named `name`, or an error listing the names there are.
    pub fn connection(&self, name: &str) -> Result<&Connection, String> {
        self.connections.get(name).ok_or_else(|| {
            if self.connections.is_empty() {
                format!(
                    "no connection named `{name}`: {} has no [connections.{name}] table (see `huntbench connections`)",
                    self.path.display()
                )
            } else {
                format!(
                    "no connection named `{name}` in {}; there are: {}",
                    self.path.display(),
                    self.connections
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("config.toml");
        std::fs::write(&p, text).expect("write");
        (dir, p)
    }

    #[test]
    fn reads_connections() {
        let (_d, p) = write(
            "[connections.prod]\nkind = \"loganalytics\"\nworkspace = \"w1\"\ntoken_env = \"T\"\n\n[connections.lake]\nkind = \"adx\"\nbase_url = \"https://c.kusto.windows.net/\"\ndatabase = \"db\"\n",
        );
        let c = load_from(&p).expect("loads");
        let prod = c.connection("prod").expect("prod");
        assert_eq!(prod.kind, Kind::LogAnalytics);
        assert_eq!(
            prod.base_url().as_deref(),
            Ok("https://api.loganalytics.azure.com")
        );
        let lake = c.connection("lake").expect("lake");
        assert_eq!(
            lake.resource().as_deref(),
            Ok("https://c.kusto.windows.net")
        );
        let e = c.connection("nope").unwrap_err();
        assert!(e.contains("lake, prod"), "{e}");
    }

    #[test]
    fn missing_file_is_empty() {
        let d = tempfile::tempdir().expect("tempdir");
        let c = load_from(&d.path().join("config.toml")).expect("empty");
        assert!(c.connections.is_empty());
    }

    #[test]
    fn errors_name_file_line_column() {
        let (_d, p) = write("[connections.prod]\nkind = \"loganalytics\"\nworkspce = \"w\"\n");
        let e = load_from(&p).unwrap_err();
        assert!(e.contains("config.toml:3:1:"), "{e}");
        assert!(e.contains("workspce"), "{e}");
        let (_d, p) = write("[connections.prod]\nkind = \"splunk\"\n");
        let e = load_from(&p).unwrap_err();
        assert!(e.contains("config.toml:2:8:"), "{e}");
        let (_d, p) = write("\n[connections.prod]\nkind = \"loganalytics\"\n");
        let e = load_from(&p).unwrap_err();
        assert!(
            e.contains("config.toml:2:1:") && e.contains("workspace"),
            "{e}"
        );
    }
}
