//! Getting a bearer token: from an environment variable, from the Azure CLI, or by the OAuth2 client
//! credentials grant. Tokens stay in [`Secret`]s: never logged, never written anywhere.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::config::Connection;

use super::http::{Client, form_encode};
use super::secret::{Secret, scrub};

/// How a connection authenticates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    Env(String),
    AzCli,
    ClientCredentials {
        tenant: String,
        client_id_env: String,
        client_secret_env: String,
        token_url: String,
    },
}

impl AuthMethod {
    pub fn of(c: &Connection) -> AuthMethod {
        let method = c.auth.as_deref().unwrap_or(if c.token_env.is_some() {
            "env"
        } else if c.tenant.is_some() {
            "client_credentials"
        } else {
            "azcli"
        });
        match method {
            "env" => AuthMethod::Env(c.token_env.clone().unwrap_or_default()),
            "client_credentials" => {
                let tenant = c.tenant.clone().unwrap_or_default();
                AuthMethod::ClientCredentials {
                    token_url: c.token_url.clone().unwrap_or_else(|| {
                        format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token")
                    }),
                    tenant,
                    client_id_env: c
                        .client_id_env
                        .clone()
                        .unwrap_or_else(|| "AZURE_CLIENT_ID".into()),
                    client_secret_env: c
                        .client_secret_env
                        .clone()
                        .unwrap_or_else(|| "AZURE_CLIENT_SECRET".into()),
                }
            }
            _ => AuthMethod::AzCli,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            AuthMethod::Env(v) => format!("token from ${v}"),
            AuthMethod::AzCli => "Azure CLI token".into(),
            AuthMethod::ClientCredentials { tenant, .. } => {
                format!("client credentials for tenant {tenant}")
            }
        }
    }
}

/// A token and when to stop using it.
#[derive(Clone, Debug)]
pub struct Token {
    pub secret: Secret,
    pub expires: Option<Instant>,
}

fn env_var(name: &str, what: &str) -> Result<Secret, String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
        _ => Err(format!(
            "the environment variable {name} ({what}) is not set: export it before running"
        )),
    }
}

/// Gets a token for `resource`.
pub fn token(method: &AuthMethod, resource: &str, client: &Client) -> Result<Token, String> {
    match method {
        AuthMethod::Env(var) => Ok(Token {
            secret: env_var(var, "token_env of the connection")?,
            expires: None,
        }),
        AuthMethod::AzCli => az_token(resource),
        AuthMethod::ClientCredentials {
            client_id_env,
            client_secret_env,
            token_url,
            ..
        } => {
            let id = env_var(client_id_env, "the client id")?;
            let secret = env_var(client_secret_env, "the client secret")?;
            let scope = format!("{}/.default", resource.trim_end_matches('/'));
            let body = format!(
                "grant_type=client_credentials&client_id={}&client_secret={}&scope={}",
                form_encode(id.expose()),
                form_encode(secret.expose()),
                form_encode(&scope)
            );
            let reply = client
                .post(
                    token_url,
                    &[("Accept", "application/json".to_string())],
                    "application/x-www-form-urlencoded",
                    body.into_bytes(),
                    None,
                )
                .map_err(|e| format!("getting a token: {}", scrub(&e, &[&secret], 400)))?;
            let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap_or_default();
            if reply.status != 200 {
                let msg = v
                    .get("error_description")
                    .or_else(|| v.get("error"))
                    .and_then(|m| m.as_str())
                    .unwrap_or(&reply.body);
                return Err(format!(
                    "the token endpoint {token_url} refused the client credentials (HTTP {}): {}",
                    reply.status,
                    scrub(msg, &[&secret], 300)
                ));
            }
            let Some(tok) = v.get("access_token").and_then(|t| t.as_str()) else {
                return Err(format!(
                    "the token endpoint {token_url} answered without an access_token"
                ));
            };
            let expires = v
                .get("expires_in")
                .and_then(|e| e.as_u64().or_else(|| e.as_str()?.parse().ok()))
                .map(|s| Instant::now() + Duration::from_secs(s.saturating_sub(60)));
            Ok(Token {
                secret: Secret::new(tok),
                expires,
            })
        }
    }
}

/// `az account get-access-token --resource R --query accessToken -o tsv`, waiting at most 60 s.
fn az_token(resource: &str) -> Result<Token, String> {
    let mut child = Command::new("az")
        .args([
            "account",
            "get-access-token",
            "--resource",
            resource,
            "--query",
            "accessToken",
            "-o",
            "tsv",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "no token source: the connection has no token_env or tenant, and the Azure CLI (az) is not installed".to_string()
            } else {
                format!("cannot run the Azure CLI (az): {e}")
            }
        })?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the Azure CLI (az) did not answer within 60 s".into());
            }
            Err(e) => return Err(format!("waiting for the Azure CLI (az): {e}")),
        }
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("reading the Azure CLI's output: {e}"))?;
    let tok = Secret::new(String::from_utf8_lossy(&out.stdout).trim());
    if !out.status.success() || tok.is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "the Azure CLI gave no token (run `az login` first): {}",
            scrub(err.trim(), &[&tok], 300)
        ));
    }
    Ok(Token {
        secret: tok,
        expires: Some(Instant::now() + Duration::from_secs(30 * 60)),
    })
}
