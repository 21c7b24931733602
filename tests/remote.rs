//! Remote engines against loopback servers (127.0.0.1, port 0, never the internet).
//!
//! Each server checks every request (method, path, bearer token, content type, body keys) and answers in
//! its service's documented shape (EXPORTS.md sections 2, 3, 4 and 6) by running the received query text
//! through huntbench's own engine over the bundled sample data at the data set's reference time — so a
//! remote run must give the same table as the local run. Scripted answers come first: 401, 403, 429 with
//! Retry-After, 500, a truncated result, malformed JSON, a slow answer.

mod common;
#[path = "tui_helpers.rs"]
mod helpers;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use huntbench::config::Kind;
use huntbench::data::Catalog;
use huntbench::engine::{self, RunOptions};
use serde_json::{Value, json};

const TOKEN: &str = "tok-SECRET-4f9a1c77e2";
const CC_TOKEN: &str = "cc-token-SECRET-88d1";
const CLIENT_SECRET: &str = "client-secret-SECRET-1b2c";
const WORKSPACE: &str = "11111111-2222-3333-4444-555555555555";

const SEEDS: &[&str] = &[
    "rmm_SupRemo_filesig.yaml",
    "rmm_SupRemo_netconn.yaml",
    "rmm_Action1_filesig.yaml",
    "rmm_NetSupport_filesig.yaml",
    "rmm_RemotePC_filesig.yaml",
];

/// A scripted answer, used before normal ones.
#[derive(Clone)]
enum Script {
    Status(u16, String, Option<u32>),
    /// A normal answer marked as cut short by the service.
    Truncated,
    /// The normal answer cut in the middle (malformed JSON).
    Malformed,
    /// A normal answer after a delay.
    Slow(Duration),
}

struct Server {
    port: u16,
    /// Queries received (after the checks passed).
    queries: Arc<Mutex<Vec<String>>>,
    /// Requests that failed the checks.
    problems: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn reference_now() -> i64 {
    let m = common::sample_manifest();
    engine::value::parse_datetime(m["reference_time"].as_str().expect("reference_time"))
        .expect("datetime")
}

fn dotnet(ty: &str) -> &'static str {
    match ty {
        "bool" => "Boolean",
        "int" => "Int32",
        "long" => "Int64",
        "real" => "Double",
        "decimal" => "Decimal",
        "guid" => "Guid",
        "dynamic" => "Object",
        "datetime" => "DateTime",
        "timespan" => "TimeSpan",
        _ => "String",
    }
}

/// The engine's `{columns, rows}` in the service's shape.
fn shape(kind: Kind, res: &Value, truncated: bool) -> Value {
    let cols = res["columns"].as_array().expect("columns");
    let rows = res["rows"].as_array().expect("rows");
    let is_dyn: Vec<bool> = cols.iter().map(|c| c["type"] == "dynamic").collect();
    let objects = || -> Vec<Value> {
        rows.iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                for (c, v) in cols.iter().zip(r.as_array().expect("row")) {
                    m.insert(c["name"].as_str().expect("name").into(), v.clone());
                }
                Value::Object(m)
            })
            .collect()
    };
    match kind {
        Kind::LogAnalytics => {
            // dynamic values travel as JSON text
            let rows: Vec<Value> = rows
                .iter()
                .map(|r| {
                    Value::Array(
                        r.as_array()
                            .expect("row")
                            .iter()
                            .zip(&is_dyn)
                            .map(|(v, d)| {
                                if *d && !v.is_null() {
                                    Value::String(v.to_string())
                                } else {
                                    v.clone()
                                }
                            })
                            .collect(),
                    )
                })
                .collect();
            let mut doc =
                json!({"tables": [{"name": "PrimaryResult", "columns": cols, "rows": rows}]});
            if truncated {
                doc["error"] = json!({"code": "PartialError", "message": "There were some errors when processing your query.",
                    "details": [], "innererror": {"code": "EngineError", "message": "Query result set has exceeded the internal data size limit 64000000 (E_QUERY_RESULT_SET_TOO_LARGE)."}});
            }
            doc
        }
        Kind::Defender => {
            let schema: Vec<Value> = cols
                .iter()
                .map(|c| json!({"Name": c["name"], "Type": dotnet(c["type"].as_str().unwrap_or(""))}))
                .collect();
            let mut results = objects();
            if truncated {
                // Defender cuts at 100,000 rows: pad to the limit
                let pad = results.first().cloned().unwrap_or(json!({}));
                results.resize(100_000, pad);
            }
            json!({"Stats": {"ExecutionTime": 0.1, "resource_usage": {}, "dataset_statistics": [{"table_row_count": rows.len()}]},
                "Schema": schema, "Results": results})
        }
        Kind::Graph => {
            let schema: Vec<Value> = cols
                .iter()
                .map(|c| json!({"name": c["name"], "type": dotnet(c["type"].as_str().unwrap_or(""))}))
                .collect();
            json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
                "schema": schema, "results": objects()})
        }
        Kind::Adx => {
            let columns: Vec<Value> = cols
                .iter()
                .map(|c| json!({"ColumnName": c["name"], "DataType": dotnet(c["type"].as_str().unwrap_or("")), "ColumnType": c["type"]}))
                .collect();
            let status = if truncated {
                json!([[
                    "2026-11-20T12:00:00Z",
                    2,
                    "Error",
                    -2133196797,
                    "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)"
                ]])
            } else {
                json!([[
                    "2026-11-20T12:00:00Z",
                    4,
                    "Info",
                    0,
                    "Query completed successfully"
                ]])
            };
            json!({"Tables": [
                {"TableName": "Table_0", "Columns": columns, "Rows": rows},
                {"TableName": "Table_1", "Columns": [{"ColumnName": "Timestamp", "DataType": "DateTime", "ColumnType": "datetime"},
                    {"ColumnName": "Severity", "DataType": "Int32", "ColumnType": "int"},
                    {"ColumnName": "SeverityName", "DataType": "String", "ColumnType": "string"},
                    {"ColumnName": "StatusCode", "DataType": "Int32", "ColumnType": "int"},
                    {"ColumnName": "StatusDescription", "DataType": "String", "ColumnType": "string"}], "Rows": status},
                {"TableName": "Table_2", "Columns": [{"ColumnName": "Ordinal", "DataType": "Int64", "ColumnType": "long"},
                    {"ColumnName": "Kind", "DataType": "String", "ColumnType": "string"},
                    {"ColumnName": "Name", "DataType": "String", "ColumnType": "string"}],
                 "Rows": [[0, "QueryResult", "PrimaryResult"], [1, "QueryStatus", "QueryStatus"]]}
            ]})
        }
    }
}

fn header(req: &tiny_http::Request, name: &'static str) -> Option<String> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_string())
}

/// The query text of a request body, after checking the body's keys for `kind`.
fn query_of(kind: Kind, body: &Value) -> Result<String, String> {
    // the connection's timespan = "P30D" goes to the two services that take one
    let (key, extra) = match kind {
        Kind::LogAnalytics => ("query", Some(("timespan", "P30D"))),
        Kind::Defender => ("Query", None),
        Kind::Graph => ("Query", Some(("Timespan", "P30D"))),
        Kind::Adx => ("csl", Some(("db", "Defender"))),
    };
    let allowed: &[&str] = match kind {
        Kind::LogAnalytics => &["query", "timespan"],
        Kind::Defender => &["Query"],
        Kind::Graph => &["Query", "Timespan"],
        Kind::Adx => &["db", "csl"],
    };
    if let Some(k) = body
        .as_object()
        .and_then(|o| o.keys().find(|k| !allowed.contains(&k.as_str())))
    {
        return Err(format!("unexpected body key `{k}`"));
    }
    if let Some((k, v)) = extra
        && body[k] != v
    {
        return Err(format!("body.{k} is {}, expected {v}", body[k]));
    }
    body[key]
        .as_str()
        .map(String::from)
        .ok_or_else(|| format!("body has no string `{key}`: {body}"))
}

fn path_of(kind: Kind) -> String {
    match kind {
        Kind::LogAnalytics => format!("/v1/workspaces/{WORKSPACE}/query"),
        Kind::Defender => "/api/advancedhunting/run".into(),
        Kind::Graph => "/v1.0/security/runHuntingQuery".into(),
        Kind::Adx => "/v1/rest/query".into(),
    }
}

fn respond(req: tiny_http::Request, status: u16, body: String, retry_after: Option<u32>) {
    let mut resp = tiny_http::Response::from_string(body).with_status_code(status);
    resp.add_header(
        tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
            .expect("header"),
    );
    if let Some(s) = retry_after {
        resp.add_header(
            tiny_http::Header::from_bytes(&b"Retry-After"[..], s.to_string().as_bytes())
                .expect("header"),
        );
    }
    let _ = req.respond(resp);
}

fn start(kind: Kind, script: Vec<Script>) -> Server {
    start_with(kind, script, None)
}

/// A server that also accepts `Bearer {also_token}`.
fn start_with(kind: Kind, script: Vec<Script>, also_token: Option<String>) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = server.server_addr().to_ip().expect("ip address").port();
    let queries = Arc::new(Mutex::new(Vec::new()));
    let problems = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (q2, p2, s2) = (queries.clone(), problems.clone(), stop.clone());
    let mut script: VecDeque<Script> = script.into();
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let catalog = Catalog::open(common::repo_dir().join("sample-data")).expect("sample data");
            let now = reference_now();
            // stops by itself: when the test is done, or after two minutes at most
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s2.load(Ordering::Relaxed) && Instant::now() < deadline {
                let Ok(Some(mut req)) = server.recv_timeout(Duration::from_millis(50)) else {
                    continue;
                };
                let step = script.pop_front();
                if let Some(Script::Slow(d)) = &step {
                    std::thread::sleep(*d);
                }
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let url = req.url().to_string();
                let problem = |p: &Mutex<Vec<String>>, m: String| {
                    p.lock().expect("lock").push(m.clone());
                    m
                };
                // the OAuth2 token endpoint of the client-credentials test
                if url == "/tenant-1/oauth2/v2.0/token" {
                    let ok = req.method() == &tiny_http::Method::Post
                        && body.contains("grant_type=client_credentials")
                        && body.contains("client_id=app-1")
                        && body.contains(&format!("client_secret={CLIENT_SECRET}"))
                        && body.contains("scope=");
                    if ok {
                        respond(req, 200, json!({"token_type": "Bearer", "expires_in": 3600, "access_token": CC_TOKEN}).to_string(), None);
                    } else {
                        problem(&p2, format!("bad token request: {body}"));
                        respond(req, 400, json!({"error": "invalid_request", "error_description": "bad form"}).to_string(), None);
                    }
                    continue;
                }
                let auth = header(&req, "Authorization").unwrap_or_default();
                let checks = [
                    (req.method() == &tiny_http::Method::Post, format!("method {}", req.method())),
                    (url == path_of(kind), format!("path {url}")),
                    (
                        auth == format!("Bearer {TOKEN}")
                            || auth == format!("Bearer {CC_TOKEN}")
                            || also_token.as_ref().is_some_and(|t| auth == format!("Bearer {t}")),
                        "Authorization header".to_string(),
                    ),
                    (
                        header(&req, "Content-Type").is_some_and(|c| c.starts_with("application/json")),
                        "Content-Type".to_string(),
                    ),
                ];
                if let Some((_, what)) = checks.iter().find(|(ok, _)| !ok) {
                    let m = problem(&p2, format!("bad request: {what}"));
                    respond(req, 400, json!({"error": {"code": "BadRequest", "message": m}}).to_string(), None);
                    continue;
                }
                let parsed: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let query = match query_of(kind, &parsed) {
                    Ok(q) => q,
                    Err(e) => {
                        let m = problem(&p2, e);
                        respond(req, 400, json!({"error": {"code": "BadRequest", "message": m}}).to_string(), None);
                        continue;
                    }
                };
                q2.lock().expect("lock").push(query.clone());
                if let Some(Script::Status(code, body, retry)) = &step {
                    respond(req, *code, body.clone(), *retry);
                    continue;
                }
                let opts = RunOptions { now: Some(now), ..Default::default() };
                match engine::run(&query, &catalog, &opts).and_then(|r| r.to_json()) {
                    Ok(res) => {
                        let truncated = matches!(step, Some(Script::Truncated));
                        let mut text = shape(kind, &res, truncated).to_string();
                        if matches!(step, Some(Script::Malformed)) {
                            text.truncate(text.len() / 2);
                        }
                        respond(req, 200, text, None);
                    }
                    Err(d) => respond(
                        req,
                        400,
                        json!({"error": {"code": "BadArgumentError", "message": d.message}}).to_string(),
                        None,
                    ),
                }
            }
        })
        .expect("server thread");
    Server {
        port,
        queries,
        problems,
        stop,
    }
}

impl Server {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn assert_no_problems(&self) {
        let p = self.problems.lock().expect("lock");
        assert!(p.is_empty(), "requests failed the server's checks: {p:?}");
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::LogAnalytics => "loganalytics",
        Kind::Defender => "defender",
        Kind::Graph => "graph",
        Kind::Adx => "adx",
    }
}

/// A config dir with connection `svc` pointing at `server`, plus `extra` TOML lines in that table.
fn config(server: &Server, kind: Kind, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut t = format!(
        "[connections.svc]\nkind = \"{}\"\nbase_url = \"{}\"\nworkspace = \"{WORKSPACE}\"\ndatabase = \"Defender\"\ntimespan = \"P30D\"\ntimeout_secs = 60\nmax_retry_wait_secs = 2\n",
        kind_name(kind),
        server.base()
    );
    if !extra.contains("auth") && !extra.contains("tenant") {
        t.push_str("token_env = \"HB_TEST_TOKEN\"\n");
    }
    t.push_str(extra);
    std::fs::write(dir.path().join("config.toml"), t).expect("write config");
    dir
}

fn hb(cfg: &Path) -> Command {
    let mut c = Command::cargo_bin("huntbench").expect("the huntbench binary");
    c.current_dir(common::repo_dir())
        .env("HUNTBENCH_CONFIG_DIR", cfg)
        .env("HB_TEST_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .timeout(Duration::from_secs(240));
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    c
}

/// stdout and stderr, checked to hold no secret.
fn output_text(out: &std::process::Output) -> (String, String) {
    let so = String::from_utf8_lossy(&out.stdout).into_owned();
    let se = String::from_utf8_lossy(&out.stderr).into_owned();
    for secret in [TOKEN, CC_TOKEN, CLIENT_SECRET] {
        assert!(
            !so.contains(secret) && !se.contains(secret),
            "a secret appears in the output:\n{so}\n{se}"
        );
    }
    (so, se)
}

fn seed_paths() -> Vec<PathBuf> {
    SEEDS
        .iter()
        .map(|s| PathBuf::from("rules").join(s))
        .collect()
}

/// id, status, columns and rows of each rule's result.
fn results(doc: &Value) -> Vec<Value> {
    doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| json!({"id": r["id"], "status": r["status"], "error": r["error"], "columns": r["columns"], "rows": r["rows"]}))
        .collect()
}

fn same_as_local(kind: Kind) {
    let server = start(kind, Vec::new());
    let cfg = config(&server, kind, "");
    let local = hb(cfg.path())
        .arg("run")
        .args(seed_paths())
        .args(["--format", "json", "--data", "sample-data"])
        .output()
        .expect("local run");
    common::assert_ok(&local);
    let remote = hb(cfg.path())
        .arg("run")
        .args(seed_paths())
        .args(["--format", "json", "--connection", "svc"])
        .output()
        .expect("remote run");
    let (_, err) = output_text(&remote);
    assert!(remote.status.success(), "{err}");
    assert!(err.contains("running on svc"), "{err}");
    let (l, r) = (
        results(&common::stdout_json(&local)),
        results(&common::stdout_json(&remote)),
    );
    assert_eq!(l.len(), 5);
    let rows: usize = l
        .iter()
        .map(|x| x["rows"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(rows > 0, "the seed rules find the planted events");
    assert_eq!(l, r, "remote ({kind:?}) and local results differ");
    server.assert_no_problems();
    assert_eq!(server.queries.lock().expect("lock").len(), 5);
}

#[test]
fn log_analytics_run_matches_local() {
    same_as_local(Kind::LogAnalytics);
}

#[test]
fn defender_run_matches_local() {
    same_as_local(Kind::Defender);
}

#[test]
fn adx_run_matches_local() {
    same_as_local(Kind::Adx);
}

#[test]
fn graph_run_matches_local() {
    same_as_local(Kind::Graph);
}

/// `query --connection svc` against a server scripted with `script`.
fn query_with(kind: Kind, script: Vec<Script>, extra: &str) -> (std::process::Output, Server) {
    let server = start(kind, script);
    let cfg = config(&server, kind, extra);
    let out = hb(cfg.path())
        .args(["query", "--connection", "svc", "--format", "json", "-e"])
        .arg("DeviceInfo | summarize n = count() by OSPlatform | sort by OSPlatform asc")
        .output()
        .expect("query");
    (out, server)
}

#[test]
fn unauthorized_is_clear_and_scrubbed() {
    // the service echoes the token back: it must not reach the output
    let body = json!({"error": {"code": "InvalidAuthenticationToken", "message": format!("Token {TOKEN} is expired")}}).to_string();
    let (out, server) = query_with(
        Kind::LogAnalytics,
        vec![Script::Status(401, body, None)],
        "",
    );
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("401 Unauthorized") && err.contains("HB_TEST_TOKEN"),
        "{err}"
    );
    assert!(
        err.contains("is expired") && err.contains("<redacted>"),
        "{err}"
    );
    server.assert_no_problems();
}

#[test]
fn forbidden_is_clear() {
    let body = json!({"error": {"code": "Forbidden", "message": "Missing role"}}).to_string();
    let (out, _s) = query_with(Kind::Defender, vec![Script::Status(403, body, None)], "");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("403 Forbidden") && err.contains("Missing role"),
        "{err}"
    );
}

#[test]
fn throttling_backs_off_and_retries() {
    let t = Instant::now();
    let body = json!({"error": {"code": "TooManyRequests", "message": "slow down"}}).to_string();
    let (out, server) = query_with(
        Kind::Defender,
        vec![
            Script::Status(429, body.clone(), Some(1)),
            Script::Status(429, body, Some(1)),
        ],
        "",
    );
    let (so, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("throttling (429)") && err.contains("retry 2 of 3"),
        "{err}"
    );
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "Retry-After was honoured"
    );
    assert_eq!(server.queries.lock().expect("lock").len(), 3);
    let doc: Value = serde_json::from_str(&so).expect("json");
    assert!(!doc["rows"].as_array().expect("rows").is_empty());
}

#[test]
fn throttling_gives_up_after_max_retries() {
    let body = json!({"error": {"code": "TooManyRequests", "message": "slow down"}}).to_string();
    let script = vec![Script::Status(429, body, Some(30)); 3];
    let t = Instant::now();
    let (out, server) = query_with(Kind::LogAnalytics, script, "max_retries = 2\n");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("still throttling after 2 retries"), "{err}");
    // Retry-After 30 s is capped at max_retry_wait_secs = 2
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert_eq!(server.queries.lock().expect("lock").len(), 3);
}

#[test]
fn server_error_is_clear() {
    let body =
        json!({"error": {"code": "InternalServerError", "message": "engine exploded"}}).to_string();
    let (out, _s) = query_with(Kind::Adx, vec![Script::Status(500, body, None)], "");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("HTTP 500")
            && err.contains("engine exploded")
            && err.contains("try again later"),
        "{err}"
    );
}

#[test]
fn malformed_json_is_clear() {
    let (out, _s) = query_with(Kind::Graph, vec![Script::Malformed], "");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("not valid JSON") && err.contains("cut off"),
        "{err}"
    );
}

#[test]
fn truncated_results_are_reported() {
    for kind in [Kind::LogAnalytics, Kind::Adx, Kind::Defender] {
        let (out, _s) = query_with(kind, vec![Script::Truncated], "");
        let (_, err) = output_text(&out);
        assert!(out.status.success(), "{kind:?}: {err}");
        assert!(err.contains("truncated by the service"), "{kind:?}: {err}");
    }
}

#[test]
fn bad_query_shows_the_service_message() {
    let server = start(Kind::LogAnalytics, Vec::new());
    let cfg = config(&server, Kind::LogAnalytics, "");
    let out = hb(cfg.path())
        .args(["query", "--connection", "svc", "-e", "NoSuchTable | take 1"])
        .output()
        .expect("query");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("400 Bad Request") && err.contains("NoSuchTable"),
        "{err}"
    );
}

#[test]
fn missing_token_variable_is_clear() {
    let server = start(Kind::LogAnalytics, Vec::new());
    let cfg = config(&server, Kind::LogAnalytics, "");
    let out = hb(cfg.path())
        .env_remove("HB_TEST_TOKEN")
        .args(["query", "--connection", "svc", "-e", "print 1"])
        .output()
        .expect("query");
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("HB_TEST_TOKEN") && err.contains("not set"),
        "{err}"
    );
    assert!(server.queries.lock().expect("lock").is_empty());
}

#[test]
fn unknown_connection_and_bad_config_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.toml"),
        "[connections.a]\nkind = \"loganalytics\"\nworkspace = \"w\"\ntoken_env = \"X\"\n",
    )
    .expect("write");
    let out = hb(dir.path())
        .args(["query", "--connection", "b", "-e", "print 1"])
        .output()
        .expect("query");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no connection named `b`") && err.contains("there are: a"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("config.toml"),
        "[connections.a]\nkind = 3\n",
    )
    .expect("write");
    let out = hb(dir.path())
        .args(["run", "--connection", "a"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.toml:2:8:"), "{err}");
}

#[test]
fn client_credentials_token_from_loopback_endpoint() {
    let server = start(Kind::Graph, Vec::new());
    let extra = format!(
        "tenant = \"tenant-1\"\ntoken_url = \"{}/tenant-1/oauth2/v2.0/token\"\nclient_id_env = \"HB_CLIENT_ID\"\nclient_secret_env = \"HB_CLIENT_SECRET\"\n",
        server.base()
    );
    let cfg = config(&server, Kind::Graph, &extra);
    let out = hb(cfg.path())
        .env("HB_CLIENT_ID", "app-1")
        .env("HB_CLIENT_SECRET", CLIENT_SECRET)
        .args([
            "query",
            "--connection",
            "svc",
            "--format",
            "json",
            "-e",
            "DeviceInfo | count",
        ])
        .output()
        .expect("query");
    let (so, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    let doc: Value = serde_json::from_str(&so).expect("json");
    assert!(doc["rows"][0][0].as_i64().is_some_and(|n| n > 0), "{so}");
    server.assert_no_problems();
}

#[test]
fn connections_lists_without_secrets() {
    let server = start(Kind::Adx, Vec::new());
    let cfg = config(&server, Kind::Adx, "");
    let out = hb(cfg.path())
        .arg("connections")
        .output()
        .expect("connections");
    let (so, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        so.contains("svc") && so.contains("Azure Data Explorer") && so.contains("$HB_TEST_TOKEN"),
        "{so}"
    );
}

#[test]
fn cancel_and_timeout_are_bounded() {
    use huntbench::remote::{Backend, RemoteBackend};
    let server = start(
        Kind::LogAnalytics,
        vec![Script::Slow(Duration::from_secs(4)); 2],
    );
    let dir = config(&server, Kind::LogAnalytics, "");
    let cfg = huntbench::config::load_from(&dir.path().join("config.toml")).expect("config");
    let mut conn = cfg.connection("svc").expect("svc").clone();
    // any variable that is set: the slow answers come before the server's checks
    conn.token_env = Some("PATH".into());
    let backend = RemoteBackend::new("svc", &conn).expect("backend");
    let cancel = Arc::new(AtomicBool::new(false));
    let c2 = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        c2.store(true, Ordering::Relaxed);
    });
    let t = Instant::now();
    let opts = RunOptions {
        cancel: Some(cancel),
        ..Default::default()
    };
    let e = backend.run("print 1", &opts).expect_err("cancelled");
    assert_eq!(e.message, "cancelled");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    conn.timeout_secs = Some(1);
    let backend = RemoteBackend::new("svc", &conn).expect("backend");
    let t = Instant::now();
    let e = backend
        .run("print 1", &RunOptions::default())
        .expect_err("timeout");
    assert!(
        e.message.contains("timed out") || e.message.contains("no answer"),
        "{}",
        e.message
    );
    assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
}

fn local_json(data: &Path, query: &str) -> Value {
    let out = hb(data)
        .args([
            "query",
            "--format",
            "json",
            "--now",
            "2026-11-20T12:00:00Z",
            "--data",
        ])
        .arg(data)
        .args(["-e", query])
        .output()
        .expect("local query");
    common::assert_ok(&out);
    common::stdout_json(&out)
}

#[test]
fn pull_writes_parquet_that_reads_back_to_the_same_rows_and_resumes() {
    let body = json!({"error": {"code": "InternalServerError", "message": "flaky"}}).to_string();
    // the second chunk fails once: the first pull stops there, the second resumes
    let server = start(Kind::LogAnalytics, Vec::new());
    let cfg = config(&server, Kind::LogAnalytics, "");
    let out_dir = tempfile::tempdir().expect("tempdir");
    let pull = |cfg: &Path| {
        hb(cfg)
            .args([
                "pull",
                "--connection",
                "svc",
                "--table",
                "DeviceNetworkEvents",
                "--since",
                "3d",
            ])
            .args([
                "--chunk",
                "1d",
                "--until",
                "2026-11-20T12:00:00Z",
                "--where",
                "RemotePort == 443",
                "--out",
            ])
            .arg(out_dir.path())
            .output()
            .expect("pull")
    };
    let out = pull(cfg.path());
    let (_, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("chunk 3/3"), "{err}");
    server.assert_no_problems();
    assert_eq!(server.queries.lock().expect("lock").len(), 3);
    let window = "DeviceNetworkEvents | where Timestamp >= datetime(2026-11-17T12:00:00Z) and Timestamp < datetime(2026-11-20T12:00:00Z) | where RemotePort == 443";
    let order = " | sort by Timestamp asc, ReportId asc, DeviceId asc";
    let expected = local_json(
        &common::repo_dir().join("sample-data"),
        &format!("{window}{order}"),
    );
    let pulled = local_json(out_dir.path(), &format!("DeviceNetworkEvents{order}"));
    assert!(!expected["rows"].as_array().expect("rows").is_empty());
    assert_eq!(pulled, expected, "pulled rows differ from the source rows");
    assert!(
        out_dir
            .path()
            .join("DeviceNetworkEvents/.pull-state.json")
            .is_file()
    );

    // resume: a fresh pull into a new folder fails on its second chunk, then resumes from there
    let server2 = start(
        Kind::LogAnalytics,
        vec![
            Script::Slow(Duration::ZERO),
            Script::Status(500, body, None),
        ],
    );
    let cfg2 = config(&server2, Kind::LogAnalytics, "");
    std::fs::remove_dir_all(out_dir.path().join("DeviceNetworkEvents")).expect("rm");
    let out = pull(cfg2.path());
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("HTTP 500") && err.contains("flaky"), "{err}");
    let out = pull(cfg2.path());
    let (_, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("resuming: 1 of 3 chunks already pulled"),
        "{err}"
    );
    // 1 good + 1 failed + 2 on resume
    assert_eq!(server2.queries.lock().expect("lock").len(), 4);
    let pulled = local_json(out_dir.path(), &format!("DeviceNetworkEvents{order}"));
    assert_eq!(pulled, expected);
    // the same settings again: nothing left to fetch
    let out = pull(cfg2.path());
    assert!(out.status.success());
    assert_eq!(server2.queries.lock().expect("lock").len(), 4);
}

#[test]
fn workbench_runs_and_drills_on_the_picked_connection() {
    use huntbench::tui::action::{Effect, JobPurpose};
    use huntbench::tui::app::Screen;
    use ratatui::crossterm::event::KeyCode;
    // the test cannot set variables (no unsafe): the token is a variable the process has, PATH
    let path_token = std::env::var("PATH")
        .expect("PATH is set")
        .trim()
        .to_string();
    let server = start_with(Kind::LogAnalytics, Vec::new(), Some(path_token));
    let dir = config(&server, Kind::LogAnalytics, "");
    let cfg = huntbench::config::load_from(&dir.path().join("config.toml")).expect("config");
    let mut conns = cfg.connections.clone();
    conns.get_mut("svc").expect("svc").token_env = Some("PATH".into());
    let mut b = helpers::Bench::bundled(&[]);
    b.app.connections = huntbench::tui::connections::Picker::from_config(&cfg);
    b.exec = b.exec.clone().with_connections(conns);
    b.key(KeyCode::Char('C'));
    assert!(
        b.app
            .message
            .as_deref()
            .is_some_and(|m| m.contains("run on svc")),
        "{:?}",
        b.app.message
    );
    b.select_rule("rules/rmm_supremo_f");
    let fx = b.key(KeyCode::Enter);
    match &fx[..] {
        [Effect::Run(spec)] => assert_eq!(spec.backend.as_deref(), Some("svc")),
        other => panic!("expected one run, got {other:?}"),
    }
    let v = match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    };
    assert_eq!(v.data.backend, "svc");
    // the planted SupRemo devices of the sample data, which only the server has
    assert!(v.data.row_count() > 0);
    assert!(v.drill.is_some());
    let screen = b.screen(120, 30);
    assert!(
        screen.contains("from svc") && screen.contains("on svc"),
        "{screen}"
    );
    // drilling into the first row sends the drill-down query to the same connection
    let fx = b.key(KeyCode::Enter);
    match &fx[..] {
        [Effect::Run(spec)] => {
            assert!(matches!(spec.purpose, JobPurpose::Drill { .. }));
            assert_eq!(spec.backend.as_deref(), Some("svc"));
        }
        other => panic!("expected one run, got {other:?}"),
    }
    match b.app.stack.last() {
        Some(Screen::Results(v)) => {
            assert_eq!(v.data.backend, "svc");
            assert!(v.data.row_count() > 0);
        }
        other => panic!("expected drill results, got {other:?}"),
    }
    assert_eq!(server.queries.lock().expect("lock").len(), 2);
    server.assert_no_problems();
    // C again: back to the local data
    b.key(KeyCode::Char('C'));
    assert!(b.app.connections.selected().is_none());
}

/// A one-connection HTTPS proxy on 127.0.0.1: answers `CONNECT host:port` and tunnels to `to_port`.
/// Returns its port and the CONNECT line it saw.
fn tunnel_proxy(to_port: u16) -> (u16, Arc<Mutex<Option<String>>>) {
    use std::io::{Read as _, Write as _};
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(None));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        listener.set_nonblocking(true).expect("nonblocking");
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut client = loop {
            match listener.accept() {
                Ok((c, _)) => break c,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(_) => return,
            }
        };
        client.set_nonblocking(false).expect("blocking");
        client
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
            match client.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        *seen2.lock().expect("lock") = text.lines().next().map(String::from);
        let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", to_port)) else {
            return;
        };
        let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        upstream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let (mut c2, mut u2) = (
            client.try_clone().expect("clone"),
            upstream.try_clone().expect("clone"),
        );
        let up = std::thread::spawn(move || {
            let _ = std::io::copy(&mut c2, &mut u2);
            let _ = u2.shutdown(std::net::Shutdown::Write);
        });
        let _ = std::io::copy(&mut upstream, &mut client);
        let _ = client.shutdown(std::net::Shutdown::Both);
        let _ = up.join();
    });
    (port, seen)
}

#[test]
fn https_proxy_from_the_environment_is_used() {
    let server = start(Kind::Defender, Vec::new());
    let (proxy_port, seen) = tunnel_proxy(server.port);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("config.toml"),
        "[connections.svc]\nkind = \"defender\"\nbase_url = \"http://api.hunt.test\"\ntoken_env = \"HB_TEST_TOKEN\"\ntimeout_secs = 30\n",
    )
    .expect("write");
    let out = hb(dir.path())
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"))
        .args([
            "query",
            "--connection",
            "svc",
            "--format",
            "json",
            "-e",
            "DeviceInfo | count",
        ])
        .output()
        .expect("query");
    let (so, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(
        seen.lock().expect("lock").as_deref(),
        Some("CONNECT api.hunt.test:80 HTTP/1.1")
    );
    let doc: Value = serde_json::from_str(&so).expect("json");
    assert!(doc["rows"][0][0].as_i64().is_some_and(|n| n > 0), "{so}");
    server.assert_no_problems();
}

#[test]
fn pull_without_until_resumes_its_own_window() {
    let body = json!({"error": {"code": "ServiceUnavailable", "message": "down"}}).to_string();
    let server = start(
        Kind::Adx,
        vec![
            Script::Slow(Duration::ZERO),
            Script::Status(502, body, None),
        ],
    );
    let cfg = config(&server, Kind::Adx, "");
    let out_dir = tempfile::tempdir().expect("tempdir");
    let pull = || {
        hb(cfg.path())
            .args([
                "pull",
                "--connection",
                "svc",
                "--table",
                "DeviceInfo",
                "--since",
                "2h",
                "--chunk",
                "1h",
                "--out",
            ])
            .arg(out_dir.path())
            .output()
            .expect("pull")
    };
    let out = pull();
    let (_, err) = output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("HTTP 502"), "{err}");
    let state = out_dir.path().join("DeviceInfo/.pull-state.json");
    let before: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    std::thread::sleep(Duration::from_millis(1100));
    let out = pull();
    let (_, err) = output_text(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("resuming: 1 of 2 chunks"), "{err}");
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&state).expect("state")).expect("json");
    assert_eq!(before["settings"], after["settings"], "the same window");
    assert_eq!(after["done"].as_array().map(Vec::len), Some(2));
    assert_eq!(server.queries.lock().expect("lock").len(), 3);
    // finished: a third run fetches nothing and says so
    let out = pull();
    let (_, err) = output_text(&out);
    assert!(
        out.status.success() && err.contains("already holds this pull"),
        "{err}"
    );
    assert_eq!(server.queries.lock().expect("lock").len(), 3);
}
