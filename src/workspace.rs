//! The workspace: everything a user has made, as one versioned serde value,
//! and its export file.
//!
//! The export file is an envelope `{format, version, checksum, workspace}`.
//! The checksum is SHA-256 over the canonical JSON of `workspace` (keys
//! sorted, as `serde_json::Value` writes them), so a file that was edited by
//! hand, truncated or damaged is refused before anything is replaced. It
//! detects damage, not a determined forger: the file is the user's own.

use serde::{Deserialize, Serialize};

use crate::decisions::DecisionRecord;
use crate::import::Dataset;
use crate::model::train::TrainedModel;
use crate::ranker::{Directory, PathwayTerms};
use crate::segment::{SegmentConfig, Segmentation};
use crate::sim::Scenario;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;
/// The `format` tag of an export file.
pub const FORMAT: &str = "signpost-workspace";

/// All of one user's work.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Workspace {
    /// Historical referrals and their column roles.
    pub data: Option<Dataset>,
    /// What the workspace came from ("demo (seed 42)", a file name), for display.
    pub origin: Option<String>,
    /// The trained triage model with its validation report and model card.
    pub model: Option<TrainedModel>,
    /// Every reviewed suggestion and the decision made.
    pub decisions: Vec<DecisionRecord>,
    /// The service directory (with its gazetteer) the ranker uses.
    pub directory: Option<Directory>,
    /// Which directory terms deliver each triage pathway.
    pub pathway_terms: Option<PathwayTerms>,
    /// The simulator's baseline scenario (the what-if is kept in the URL).
    pub scenario: Option<Scenario>,
    /// The last segmentation and the settings that made it.
    pub segmentation: Option<(SegmentConfig, Segmentation)>,
    /// Every trained model kept as a version (`oversight::versions`);
    /// `model` is a copy of the one in use.
    pub versions: Vec<crate::oversight::versions::ModelVersion>,
    /// The number of the version in use.
    pub version_in_use: Option<u32>,
    /// Decisions whose outcomes were added to `data` as history rows.
    pub decisions_in_history: Vec<u64>,
    /// The Flows screen's roles, settings and results (not the log itself).
    pub flows: Option<crate::jobs::flows::FlowsWork>,
}

/// The seed of the built-in demo workspace.
pub const DEMO_SEED: u64 = 42;

/// The built-in demo workspace: synthetic referrals (and, as the engines
/// arrive, a directory and a scenario), the same for a seed everywhere.
pub fn demo(seed: u64) -> Workspace {
    let options = crate::demo::DemoOptions {
        seed,
        ..crate::demo::DemoOptions::default()
    };
    Workspace {
        data: Some(crate::demo::referrals(&options)),
        origin: Some(format!("demo (seed {seed})")),
        directory: Some(crate::ranker::demo_directory(seed)),
        pathway_terms: Some(PathwayTerms::demo()),
        scenario: Some(crate::sim::demo_scenario()),
        ..Workspace::default()
    }
}

impl Workspace {
    pub fn is_empty(&self) -> bool {
        *self == Workspace::default()
    }
}

/// Why an export file was refused. Nothing is replaced when this happens.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("{file} is not a workspace file (it is not JSON: {detail}); choose a file saved with \"Export workspace\"")]
    NotJson { file: String, detail: String },
    #[error("{file} is not a Signpost workspace (no \"format\": \"{FORMAT}\"); choose a file saved with \"Export workspace\"")]
    WrongFormat { file: String },
    #[error("{file} was saved by a newer or unknown version of Signpost (schema {found}, this page reads {SCHEMA_VERSION}); open it with the version that saved it")]
    UnknownVersion { file: String, found: u64 },
    #[error("{file} has been changed or damaged since it was exported (its checksum does not match); export the workspace again from the original")]
    ChecksumMismatch { file: String },
    #[error("{file} has the right checksum but its contents do not fit this version ({detail}); export the workspace again")]
    BadContents { file: String, detail: String },
    #[error("could not write the workspace: {0}")]
    Serialize(String),
}

/// Writes the export file (the checked envelope of `crate::envelope`).
pub fn export(workspace: &Workspace) -> Result<String, WorkspaceError> {
    let value = serde_json::to_value(workspace)
        .map_err(|err| WorkspaceError::Serialize(err.to_string()))?;
    crate::envelope::seal(FORMAT, SCHEMA_VERSION, "workspace", value)
        .map_err(WorkspaceError::Serialize)
}

/// Reads an export file. `file` is its name, used in messages.
pub fn import(file: &str, text: &str) -> Result<Workspace, WorkspaceError> {
    use crate::envelope::Refusal;
    let file = file.to_string();
    let payload =
        crate::envelope::open(text, FORMAT, SCHEMA_VERSION, "workspace").map_err(|refusal| {
            match refusal {
                Refusal::NotJson(detail) => WorkspaceError::NotJson {
                    file: file.clone(),
                    detail,
                },
                Refusal::WrongFormat => WorkspaceError::WrongFormat { file: file.clone() },
                Refusal::UnknownVersion(found) => WorkspaceError::UnknownVersion {
                    file: file.clone(),
                    found,
                },
                Refusal::ChecksumMismatch => {
                    WorkspaceError::ChecksumMismatch { file: file.clone() }
                }
                Refusal::BadContents(detail) => WorkspaceError::BadContents {
                    file: file.clone(),
                    detail,
                },
            }
        })?;
    let workspace: Workspace =
        serde_json::from_value(payload).map_err(|err| WorkspaceError::BadContents {
            file: file.clone(),
            detail: err.to_string(),
        })?;
    // The checksum catches damage, not a file rebuilt with a fresh checksum.
    if let Some(model) = &workspace.model {
        model
            .validate()
            .map_err(|err| WorkspaceError::BadContents {
                file,
                detail: format!("the model: {err}"),
            })?;
    }
    Ok(workspace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Column, ColumnKind, Role};

    fn sample() -> Workspace {
        Workspace {
            data: Some(Dataset {
                source: "history.csv".into(),
                n_rows: 2,
                columns: vec![Column {
                    name: "risk_level".into(),
                    kind: ColumnKind::Ordinal,
                    role: Role::Feature,
                    cells: vec![Some("3".into()), None],
                }],
                success_rule: None,
            }),
            origin: Some("history.csv".into()),
            ..Workspace::default()
        }
    }

    #[test]
    fn export_then_import_gives_the_same_workspace() {
        let ws = sample();
        let text = export(&ws).unwrap();
        assert_eq!(import("ws.json", &text).unwrap(), ws);
    }

    #[test]
    fn refusals_name_the_file_and_the_fix() {
        let good = export(&sample()).unwrap();
        let tampered = good.replace("risk_level", "risk_levelX");
        let truncated = &good[..good.len() / 2];
        let newer = good.replace("\"version\":1", "\"version\":99");
        type Expect = fn(&WorkspaceError) -> bool;
        let cases: Vec<(&str, Expect)> = vec![
            (tampered.as_str(), |e| {
                matches!(e, WorkspaceError::ChecksumMismatch { .. })
            }),
            (truncated, |e| matches!(e, WorkspaceError::NotJson { .. })),
            (newer.as_str(), |e| {
                matches!(e, WorkspaceError::UnknownVersion { found: 99, .. })
            }),
            ("{\"a\":1}", |e| {
                matches!(e, WorkspaceError::WrongFormat { .. })
            }),
        ];
        for (text, expected) in cases {
            let err = import("ws.json", text).unwrap_err();
            assert!(expected(&err), "unexpected error {err:?}");
            assert!(err.to_string().contains("ws.json"), "{err}");
        }
    }
}
