//! `huntbench connections`: the named connections of config.toml (no secrets: only variable names).

use clap::Args;

use crate::remote::auth::AuthMethod;

use super::output::{sanitize, term_width, to_table};

#[derive(Args)]
pub struct ConnectionsArgs {}

pub fn run(_a: &ConnectionsArgs) -> u8 {
    let cfg = match crate::config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("huntbench: {}", sanitize(&e));
            return super::EXIT_USAGE;
        }
    };
    if cfg.connections.is_empty() {
        println!(
            "no connections: add a [connections.NAME] table to {} (kind = \"loganalytics\" | \"defender\" | \"graph\" | \"adx\")",
            sanitize(&cfg.path.display().to_string())
        );
        return 0;
    }
    let header = ["name", "kind", "target", "auth"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = cfg
        .connections
        .iter()
        .map(|(n, c)| {
            vec![
                n.clone(),
                c.kind.name().to_string(),
                c.target(),
                AuthMethod::of(c).describe(),
            ]
        })
        .collect();
    println!("# {}", sanitize(&cfg.path.display().to_string()));
    print!("{}", to_table(&header, &rows, term_width()));
    0
}
