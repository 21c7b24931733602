//! HTTP for the remote backends: one POST with a timeout and cancel, and the retry loop for throttling.
//!
//! `ureq` is blocking, so a request runs on a worker thread and the caller waits in 50 ms steps, checking
//! the cancel flag: a cancelled run returns at once and the worker ends by itself within the timeout.
//! Proxies come from the environment (`HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`, `NO_PROXY`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ureq::Agent;

use super::secret::{Secret, scrub};

/// The largest response body read (bigger ones are an error, not a silent cut).
const MAX_BODY: u64 = 1 << 30;

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// `Retry-After`, in seconds (a number) — HTTP dates are read as "no advice".
    pub retry_after: Option<Duration>,
}

/// A client: an agent with the timeouts and proxy settings.
#[derive(Clone)]
pub struct Client {
    agent: Agent,
    timeout: Duration,
    pub max_retries: u32,
    pub max_retry_wait: Duration,
}

/// Whether `url` is a loopback address (never proxied).
fn loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    if rest.starts_with("[::1]") {
        return true;
    }
    let host = rest.split(['/', ':']).next().unwrap_or("");
    matches!(host, "127.0.0.1" | "localhost")
}

impl Client {
    pub fn new(timeout: Duration, max_retries: u32, max_retry_wait: Duration, url: &str) -> Client {
        let proxy = if loopback(url) {
            None
        } else {
            ureq::Proxy::try_from_env()
        };
        let agent: Agent = Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout.min(Duration::from_secs(30))))
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(concat!("huntbench/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            timeout,
            max_retries,
            max_retry_wait,
        }
    }

    /// One POST. `headers` may hold the token (it is never echoed); errors name the URL.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        content_type: &str,
        body: Vec<u8>,
        cancel: Option<&Arc<AtomicBool>>,
    ) -> Result<Reply, String> {
        let (tx, rx) = mpsc::channel();
        let agent = self.agent.clone();
        let url_owned = url.to_string();
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let ct = content_type.to_string();
        std::thread::Builder::new()
            .name("huntbench-http".into())
            .spawn(move || {
                let mut req = agent.post(&url_owned).header("Content-Type", &ct);
                for (k, v) in &headers {
                    req = req.header(k, v);
                }
                let out = match req.send(&body[..]) {
                    Ok(mut resp) => {
                        let status = resp.status().as_u16();
                        let retry_after = resp
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .map(Duration::from_secs);
                        match resp.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
                            Ok(b) => Ok(Reply {
                                status,
                                body: String::from_utf8_lossy(&b).into_owned(),
                                retry_after,
                            }),
                            Err(e) => Err(describe_error(&e, true)),
                        }
                    }
                    Err(e) => Err(describe_error(&e, false)),
                };
                let _ = tx.send(out);
            })
            .map_err(|e| format!("cannot start the request thread: {e}"))?;
        // The worker gives up at the timeout; wait a little longer than that at most.
        let deadline = Instant::now() + self.timeout + Duration::from_secs(5);
        loop {
            if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err("cancelled".into());
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(r) => return r.map_err(|e| format!("{url}: {e}")),
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(_) => {
                    return Err(format!(
                        "{url}: no answer within {} s (timeout_secs of the connection)",
                        self.timeout.as_secs()
                    ));
                }
            }
        }
    }

    /// POSTs, retrying throttled requests (429, 503) after `Retry-After` (else 1, 2, 4 ... s), at most
    /// `max_retries` times; waits are capped at `max_retry_wait` and cancel at once. Non-throttling
    /// answers of any status are returned as they are.
    pub fn post_retrying(
        &self,
        url: &str,
        headers: &[(&str, String)],
        content_type: &str,
        body: &[u8],
        cancel: Option<&Arc<AtomicBool>>,
        on_wait: &dyn Fn(&str),
    ) -> Result<Reply, String> {
        let mut attempt = 0u32;
        loop {
            let reply = self.post(url, headers, content_type, body.to_vec(), cancel)?;
            if !matches!(reply.status, 429 | 503) {
                return Ok(reply);
            }
            if attempt >= self.max_retries {
                return Ok(reply);
            }
            let wait = reply
                .retry_after
                .unwrap_or_else(|| Duration::from_secs(1u64 << attempt.min(6)))
                .min(self.max_retry_wait);
            on_wait(&format!(
                "the service is throttling ({}); retry {} of {} in {} s",
                reply.status,
                attempt + 1,
                self.max_retries,
                wait.as_secs_f64()
            ));
            let until = Instant::now() + wait;
            while Instant::now() < until {
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err("cancelled".into());
                }
                std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
            }
            attempt += 1;
        }
    }
}

fn describe_error(e: &ureq::Error, reading_body: bool) -> String {
    use ureq::Error as E;
    let what = match e {
        E::Timeout(_) => "timed out (timeout_secs of the connection)".to_string(),
        E::HostNotFound => {
            "host not found (check base_url, DNS, or the proxy settings)".to_string()
        }
        E::ConnectionFailed => {
            "cannot connect (check base_url and HTTPS_PROXY/NO_PROXY)".to_string()
        }
        E::BodyExceedsLimit(n) => format!("the response is larger than {n} bytes"),
        E::Io(io) => format!("network error: {io}"),
        other => other.to_string(),
    };
    let what = scrub(&what, &[] as &[&Secret], 300);
    if reading_body {
        format!("reading the response failed: {what}")
    } else {
        format!("request failed: {what}")
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        assert!(loopback("http://127.0.0.1:8080/x"));
        assert!(loopback("http://localhost/x"));
        assert!(!loopback("https://api.security.microsoft.com"));
        assert!(loopback("http://[::1]:8080/x"));
        // any other IPv6 host goes through the proxy like a name does
        assert!(!loopback("https://[2001:db8::1]/x"));
    }

    #[test]
    fn form() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}
