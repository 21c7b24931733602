//! Where queries run: the local engine over exported tables, or a remote Kusto service that is sent the
//! query text (Log Analytics, Defender XDR advanced hunting, Microsoft Graph `runHuntingQuery`, Azure
//! Data Explorer). Both sit behind [`Backend`] and give the engine's [`QueryResult`], so results,
//! drill-down and export work the same over either.
//!
//! Layer: stands on `kql`, `data`, `engine` and `config`; used by `cli` and `tui`. A remote backend sends
//! the query as text (the rule with its parameters substituted), reads the answer with the export reader
//! ([`crate::data::jsonfile`]), and reports service limits ("truncated by the service") as warnings.
//! Tokens are [`secret::Secret`]s and are scrubbed from every message.

pub mod auth;
pub mod http;
pub mod response;
pub mod secret;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::{Connection, Kind};
use crate::data::TableProvider;
use crate::engine::{self, QueryResult, RunOptions};
use crate::kql::{DiagKind, Diagnostic};

use auth::{AuthMethod, Token};
use secret::scrub;

/// A result and what the backend has to say about it (service warnings, truncation).
#[derive(Debug)]
pub struct Ran {
    pub result: QueryResult,
    pub warnings: Vec<String>,
}

/// Something that runs KQL.
pub trait Backend: Send + Sync {
    /// Runs `query` (KQL text). `opts.now` applies to the local engine only: a service uses its clock.
    fn run(&self, query: &str, opts: &RunOptions) -> Result<Ran, Diagnostic>;
    /// Which backend this is, for status lines: `local (sample-data)`, `prod (Log Analytics ...)`.
    fn describe(&self) -> String;
    /// Whether queries leave the machine.
    fn is_remote(&self) -> bool {
        false
    }
}

/// The local engine over a table provider.
pub struct LocalBackend {
    tables: Arc<dyn TableProvider>,
    label: String,
}

impl LocalBackend {
    pub fn new(tables: Arc<dyn TableProvider>, label: impl Into<String>) -> LocalBackend {
        LocalBackend {
            tables,
            label: label.into(),
        }
    }
}

impl Backend for LocalBackend {
    fn run(&self, query: &str, opts: &RunOptions) -> Result<Ran, Diagnostic> {
        // What this run's reads found in the data (values of long CSV files are checked as they are read).
        let before = self.tables.read_warnings();
        let result = engine::run(query, self.tables.as_ref(), opts)?;
        let warnings = self
            .tables
            .read_warnings()
            .into_iter()
            .filter(|w| !before.contains(w))
            .map(|w| w.to_string())
            .collect();
        Ok(Ran { result, warnings })
    }

    fn describe(&self) -> String {
        format!("local ({})", self.label)
    }
}

fn remote_error(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(DiagKind::Runtime, msg, None)
}

/// A Kusto service reached over HTTPS.
pub struct RemoteBackend {
    name: String,
    conn: Connection,
    base: String,
    resource: String,
    auth: AuthMethod,
    client: http::Client,
    token: Mutex<Option<Token>>,
    /// Called with progress notes (throttling waits); stderr in the CLI.
    notify: Box<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for RemoteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RemoteBackend({})", self.describe())
    }
}

impl RemoteBackend {
    /// A backend for connection `name`. Nothing is sent until the first run.
    pub fn new(name: &str, conn: &Connection) -> Result<RemoteBackend, String> {
        conn.validate()
            .map_err(|e| format!("connection `{name}`: {e}"))?;
        let base = conn.base_url()?;
        let client = http::Client::new(
            Duration::from_secs(conn.timeout_secs.unwrap_or(300).max(1)),
            conn.max_retries.unwrap_or(3),
            Duration::from_secs(conn.max_retry_wait_secs.unwrap_or(60)),
            &base,
        );
        Ok(RemoteBackend {
            name: name.to_string(),
            resource: conn.resource()?,
            auth: AuthMethod::of(conn),
            conn: conn.clone(),
            base,
            client,
            token: Mutex::new(None),
            notify: Box::new(|_| {}),
        })
    }

    /// Where progress notes (throttling waits) go.
    pub fn with_notify(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> RemoteBackend {
        self.notify = Box::new(f);
        self
    }

    /// The URL queries are posted to.
    pub fn url(&self) -> String {
        match self.conn.kind {
            Kind::LogAnalytics => format!(
                "{}/v1/workspaces/{}/query",
                self.base,
                self.conn.workspace.as_deref().unwrap_or("")
            ),
            Kind::Defender => format!("{}/api/advancedhunting/run", self.base),
            Kind::Graph => format!("{}/v1.0/security/runHuntingQuery", self.base),
            Kind::Adx => format!("{}/v1/rest/query", self.base),
        }
    }

    /// The request body for `query`.
    pub fn body(&self, query: &str) -> serde_json::Value {
        let mut b = serde_json::Map::new();
        match self.conn.kind {
            Kind::LogAnalytics => {
                b.insert("query".into(), query.into());
                if let Some(t) = &self.conn.timespan {
                    b.insert("timespan".into(), t.clone().into());
                }
            }
            Kind::Defender => {
                b.insert("Query".into(), query.into());
            }
            Kind::Graph => {
                b.insert("Query".into(), query.into());
                if let Some(t) = &self.conn.timespan {
                    b.insert("Timespan".into(), t.clone().into());
                }
            }
            Kind::Adx => {
                b.insert(
                    "db".into(),
                    self.conn.database.clone().unwrap_or_default().into(),
                );
                b.insert("csl".into(), query.into());
            }
        }
        serde_json::Value::Object(b)
    }

    fn get_token(&self) -> Result<Token, String> {
        let mut cached = self.token.lock().map_err(|_| "token cache poisoned")?;
        if let Some(t) = cached.as_ref()
            && t.expires.is_none_or(|e| Instant::now() < e)
        {
            return Ok(t.clone());
        }
        let t = auth::token(&self.auth, &self.resource, &self.client)
            .map_err(|e| format!("connection `{}`: {e}", self.name))?;
        *cached = Some(t.clone());
        Ok(t)
    }

    fn forget_token(&self) {
        if let Ok(mut c) = self.token.lock() {
            *c = None;
        }
    }

    fn run_text(&self, query: &str, opts: &RunOptions) -> Result<Ran, String> {
        let start = Instant::now();
        if opts
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Err("cancelled".into());
        }
        let token = self.get_token()?;
        let url = self.url();
        let headers = [
            ("Authorization", format!("Bearer {}", token.secret.expose())),
            ("Accept", "application/json".to_string()),
        ];
        let body = serde_json::to_vec(&self.body(query)).map_err(|e| e.to_string())?;
        let notify = |m: &str| (self.notify)(m);
        let reply = self
            .client
            .post_retrying(
                &url,
                &headers,
                "application/json",
                &body,
                opts.cancel.as_ref(),
                &notify,
            )
            .map_err(|e| scrub(&e, &[&token.secret], 500))?;
        let echo = |b: &str| {
            let m = response::error_message(b).unwrap_or_else(|| b.to_string());
            scrub(&m, &[&token.secret], 400)
        };
        let who = format!("{} ({})", self.name, self.conn.kind.name());
        match reply.status {
            200 => {}
            401 => {
                self.forget_token();
                return Err(format!(
                    "{who} refused the token (401 Unauthorized; {}): check that it is current and issued for {}. The service said: {}",
                    self.auth.describe(),
                    self.resource,
                    echo(&reply.body)
                ));
            }
            403 => {
                return Err(format!(
                    "{who} refused access (403 Forbidden): the identity lacks permission for this query (e.g. AdvancedHunting.Read / ThreatHunting.Read.All, Log Analytics Reader, database viewer). The service said: {}",
                    echo(&reply.body)
                ));
            }
            429 | 503 => {
                return Err(format!(
                    "{who} is still throttling after {} retries ({}): wait a while and run again, or raise max_retries. The service said: {}",
                    self.client.max_retries,
                    reply.status,
                    echo(&reply.body)
                ));
            }
            400 => {
                return Err(format!(
                    "{who} rejected the query (400 Bad Request): {}",
                    echo(&reply.body)
                ));
            }
            s if s >= 500 => {
                return Err(format!(
                    "{who} failed with HTTP {s}; try again later. The service said: {}",
                    echo(&reply.body)
                ));
            }
            s => {
                return Err(format!("{who} answered HTTP {s}: {}", echo(&reply.body)));
            }
        }
        let parsed = response::parse(self.conn.kind, &reply.body, &who)
            .map_err(|e| scrub(&e, &[&token.secret], 500))?;
        let mut frame = parsed.frame;
        let mut truncated = parsed.truncated;
        if let Some(cap) = opts.row_cap
            && frame.height() > cap
        {
            frame = frame.slice(0, cap);
            truncated = true;
        }
        Ok(Ran {
            result: QueryResult {
                columns: parsed.columns,
                frame,
                truncated,
                elapsed: start.elapsed(),
                now: engine::wall_clock_now(),
            },
            warnings: parsed.warnings,
        })
    }
}

impl Backend for RemoteBackend {
    fn run(&self, query: &str, opts: &RunOptions) -> Result<Ran, Diagnostic> {
        self.run_text(query, opts).map_err(remote_error)
    }

    fn describe(&self) -> String {
        format!(
            "{} ({} {})",
            self.name,
            self.conn.kind.name(),
            self.conn.target()
        )
    }

    fn is_remote(&self) -> bool {
        true
    }
}

/// The backend of connection `name` from the config file.
pub fn connect(name: &str) -> Result<RemoteBackend, String> {
    let cfg = crate::config::load()?;
    let conn = cfg.connection(name)?;
    RemoteBackend::new(name, conn)
}
