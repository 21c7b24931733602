//! The Defender Advanced Hunting schema, embedded in the binary.
//!
//! Sources: `defender_tables.json` (the Device* tables) and `defender_tables_more.json` (Alert*, Email*,
//! Identity*, CloudAppEvents, DeviceTvm*, AAD* sign-ins; see `defender_tables_more.md`): columns, types and
//! descriptions from the Microsoft docs, CC BY 4.0. Parsed once, on first use.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::data::TableSchema;
use crate::kql::ScalarType;

const SCHEMA_FILES: &[(&str, &str)] = &[
    ("defender_tables.json", include_str!("defender_tables.json")),
    (
        "defender_tables_more.json",
        include_str!("defender_tables_more.json"),
    ),
];

/// One documented column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub ty: ScalarType,
    pub description: String,
}

/// One documented table, columns in the order of the official doc page.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<ColumnDef>,
}

impl TableDef {
    /// The schema in the engine's form.
    pub fn schema(&self) -> TableSchema {
        self.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty))
            .collect()
    }

    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[derive(Deserialize)]
struct RawColumn {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    description: String,
}

fn parse_tables() -> Result<Vec<TableDef>, String> {
    let mut tables: Vec<TableDef> = Vec::new();
    for (file, text) in SCHEMA_FILES {
        let raw: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| format!("embedded {file}: {e}"))?;
        for (name, cols) in raw {
            let cols: Vec<RawColumn> = serde_json::from_value(cols)
                .map_err(|e| format!("embedded {file}, table {name}: {e}"))?;
            let mut columns = Vec::with_capacity(cols.len());
            for c in cols {
                let ty = ScalarType::from_name(&c.ty).ok_or_else(|| {
                    format!(
                        "embedded {file}: {name}.{} has unknown type {}",
                        c.name, c.ty
                    )
                })?;
                columns.push(ColumnDef {
                    name: c.name,
                    ty,
                    description: c.description,
                });
            }
            if tables.iter().any(|t| t.name == name) {
                return Err(format!("embedded {file}: table {name} is defined twice"));
            }
            tables.push(TableDef { name, columns });
        }
    }
    Ok(tables)
}

/// All documented tables, in the order of `defender_tables.json`.
pub fn defender_tables() -> &'static [TableDef] {
    static TABLES: OnceLock<Vec<TableDef>> = OnceLock::new();
    // The embedded file is checked by a unit test; should it ever be broken the schema is simply empty.
    TABLES.get_or_init(|| parse_tables().unwrap_or_default())
}

/// A documented table by its exact (case-sensitive, as in KQL) name.
pub fn defender_table(name: &str) -> Option<&'static TableDef> {
    defender_tables().iter().find(|t| t.name == name)
}

/// A documented table's columns: `(name, type, description)`.
pub fn defender_schema(name: &str) -> Option<Vec<(String, ScalarType, String)>> {
    defender_table(name).map(|t| {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty, c.description.clone()))
            .collect()
    })
}

/// The names of all documented tables.
pub fn defender_table_names() -> Vec<&'static str> {
    defender_tables().iter().map(|t| t.name.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_schema_parses() {
        parse_tables().expect("embedded schema parses");
        // SCHEMA.md: 10 Device* tables, 436 columns; defender_tables_more.md: 17 more tables, 365 columns.
        assert_eq!(defender_tables().len(), 27);
        assert_eq!(
            defender_tables()
                .iter()
                .map(|t| t.columns.len())
                .sum::<usize>(),
            436 + 365
        );
        let alert = defender_table("AlertInfo").expect("AlertInfo");
        assert_eq!(alert.columns.len(), 8);
    }

    #[test]
    fn known_columns() {
        let cert = defender_table("DeviceFileCertificateInfo").unwrap();
        assert_eq!(cert.columns.len(), 18);
        assert_eq!(cert.columns[0].name, "Timestamp");
        assert_eq!(cert.column("Timestamp").unwrap().ty, ScalarType::DateTime);
        assert_eq!(
            cert.column("IsRootSignerMicrosoft").unwrap().ty,
            ScalarType::Bool
        );
        assert_eq!(cert.column("ReportId").unwrap().ty, ScalarType::Long);
        let net = defender_schema("DeviceNetworkEvents").unwrap();
        assert_eq!(net.len(), 44);
        assert!(
            net.iter()
                .any(|(n, t, _)| n == "RemotePort" && *t == ScalarType::Int)
        );
        assert!(defender_schema("devicenetworkevents").is_none());
        assert!(defender_table_names().contains(&"DeviceInfo"));
    }
}
