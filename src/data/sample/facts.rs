//! Facts the generator draws on: RMM tools (signers, issuers, executables, domains, company names) and
//! common benign signers, embedded from the shared reference files (`rmm_tools.json`, derived from LOLRMM,
//! Apache-2.0, and jischell-msft/RemoteManagementMonitoringTools, MIT; `benign_signers.json`).

use serde::Deserialize;

const RMM_TOOLS_JSON: &str = include_str!("rmm_tools.json");
const BENIGN_SIGNERS_JSON: &str = include_str!("benign_signers.json");

#[derive(Clone, Debug, Deserialize)]
pub struct RmmCert {
    pub subject_cn: String,
    pub issuer_cn: String,
    pub serial_hex: String,
    pub not_before: String,
    pub not_after: String,
    #[serde(default)]
    pub crl_urls: Vec<String>,
    #[serde(default)]
    pub thumbprint_sha1: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RmmTool {
    pub tool: String,
    #[serde(default)]
    pub signers: Vec<String>,
    #[serde(default)]
    pub issuers: Vec<String>,
    #[serde(default)]
    pub exe_names: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    #[serde(default)]
    pub company_names: Vec<String>,
    #[serde(default)]
    pub product_name_substrings: Vec<String>,
    #[serde(default)]
    pub certificates: Vec<RmmCert>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BenignSigner {
    #[serde(default)]
    pub signer: Option<String>,
    #[serde(default)]
    pub issuers: Vec<String>,
    #[serde(default)]
    pub is_root_signer_microsoft: bool,
}

pub struct Facts {
    pub tools: Vec<RmmTool>,
    pub benign: Vec<BenignSigner>,
}

impl Facts {
    pub fn load() -> Result<Facts, String> {
        let tools: Vec<RmmTool> = serde_json::from_str(RMM_TOOLS_JSON)
            .map_err(|e| format!("embedded rmm_tools.json: {e}"))?;
        let benign: Vec<BenignSigner> = serde_json::from_str(BENIGN_SIGNERS_JSON)
            .map_err(|e| format!("embedded benign_signers.json: {e}"))?;
        let benign = benign
            .into_iter()
            .filter(|b| b.signer.is_some() && !b.issuers.is_empty())
            .collect();
        Ok(Facts { tools, benign })
    }

    pub fn tool(&self, name: &str) -> Result<&RmmTool, String> {
        self.tools
            .iter()
            .find(|t| t.tool == name)
            .ok_or_else(|| format!("rmm_tools.json has no tool {name}"))
    }

    #[cfg(test)]
    pub fn benign_signer(&self, signer: &str) -> Result<&BenignSigner, String> {
        self.benign
            .iter()
            .find(|b| b.signer.as_deref() == Some(signer))
            .ok_or_else(|| format!("benign_signers.json has no signer {signer}"))
    }
}
