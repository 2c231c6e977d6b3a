//! The model file and its checks.
//!
//! A saved model is the checked envelope of [`crate::envelope`] (format
//! `signpost-model`, a version and a SHA-256 checksum) around the model's
//! JSON: a damaged or edited file is refused whole. The checksum catches
//! damage, not a file rebuilt by hand with a fresh checksum, so every part
//! is then checked for sense ([`TrainedModel::validate`]): that is what
//! keeps an edited model from hanging, panicking or quietly changing the
//! suggestions. A model is validated before it is written, so Signpost never
//! writes a model it cannot read back.

use super::forest::Forest;
use super::train::{Mode, ModelError, TrainedModel, FORMAT, FORMAT_VERSION};
use crate::envelope::{self, Refusal};

/// The key of the model inside its envelope.
const KEY: &str = "model";

fn misfit(what: impl std::fmt::Display) -> ModelError {
    ModelError::Incompatible(format!(
        "its parts do not make sense ({what}; it may have been edited): export it again from Signpost or train it again"
    ))
}

impl TrainedModel {
    /// The model as a checked file, for "Export model" and `train --model`.
    /// Refused (never written) when the model would not read back.
    pub fn to_json(&self) -> Result<String, ModelError> {
        self.validate()?;
        let value = serde_json::to_value(self)
            .map_err(|e| ModelError::Incompatible(format!("it cannot be written ({e})")))?;
        let text = envelope::seal(FORMAT, FORMAT_VERSION, KEY, value)
            .map_err(|e| ModelError::Incompatible(format!("it cannot be written ({e})")))?;
        // Read it back as a reader would: a number JSON cannot hold (it
        // writes infinities as null) shows up here, not on the next load.
        TrainedModel::from_json(&text)?;
        Ok(text)
    }

    /// Reads a model file, refusing other formats and versions, damaged or
    /// edited files, and models whose parts do not make sense.
    pub fn from_json(text: &str) -> Result<TrainedModel, ModelError> {
        let payload = envelope::open(text, FORMAT, FORMAT_VERSION, KEY).map_err(|refusal| {
            ModelError::Incompatible(match refusal {
                Refusal::NotJson(detail) => format!(
                    "it is not a Signpost model (not JSON: {detail}); choose a file saved with \"Export model\" or `signpost train --model`"
                ),
                Refusal::WrongFormat => "it is not a Signpost model file (no \"format\": \"signpost-model\"); choose a file saved with \"Export model\" or `signpost train --model`".to_string(),
                Refusal::UnknownVersion(found) if found < u64::from(FORMAT_VERSION) => format!(
                    "it was saved by an earlier Signpost (model file version {found}, without a checksum); train the model again"
                ),
                Refusal::UnknownVersion(found) => format!(
                    "it was saved by a newer or unknown Signpost (model file version {found}, this one reads {FORMAT_VERSION}); use the version that saved it"
                ),
                Refusal::ChecksumMismatch => "it has been changed or damaged since it was saved (its checksum does not match); export it again from the original".to_string(),
                Refusal::BadContents(detail) => format!("its envelope is damaged ({detail}); export it again"),
            })
        })?;
        let model: TrainedModel = serde_json::from_value(payload).map_err(|e| {
            ModelError::Incompatible(format!(
                "its contents do not fit this version ({e}); train the model again"
            ))
        })?;
        model.validate()?;
        Ok(model)
    }

    /// Checks that a model read from a file (alone or in a workspace) makes
    /// sense as a whole, so that using it can neither fail, hang nor
    /// quietly mislead: unique non-empty pathway names, every forest's
    /// structure (shares in 0 to 1 summing to 1, children after parents, a
    /// depth training can make), the calibration and conformal thresholds in
    /// range, finite logistic weights, and an encoder that fits the forests.
    pub fn validate(&self) -> Result<(), ModelError> {
        if self.format != FORMAT {
            return Err(misfit(format!("its format is \"{}\"", self.format)));
        }
        let k = self.pathways.len();
        if k < 2 {
            return Err(misfit(format!("it has {k} pathway(s), a model needs two")));
        }
        if self.pathways.iter().any(|p| p.trim().is_empty()) {
            return Err(misfit("a pathway has no name"));
        }
        let mut names: Vec<&String> = self.pathways.iter().collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(misfit("two pathways have the same name"));
        }
        if self.mode == Mode::Auto {
            return Err(misfit("its mode is auto, which training always resolves"));
        }
        self.config.check().map_err(misfit)?;
        self.encoder
            .check()
            .map_err(|e| misfit(format!("the encoder: {e}")))?;
        let n_cols = self.encoder.n_columns();
        let forests: [(&str, &Forest); 2] = [
            ("the allocations forest", &self.forest),
            ("the evidence forest", &self.evidence),
        ];
        for (what, forest) in forests {
            if forest.n_classes() != k || forest.n_features() != n_cols {
                return Err(misfit(format!(
                    "{what} has {} classes and {} inputs, the model {k} pathways and {n_cols} encoded columns",
                    forest.n_classes(),
                    forest.n_features()
                )));
            }
            forest
                .check_structure()
                .map_err(|e| misfit(format!("{what}: {e}")))?;
        }
        if self.fit_learners.len() != k {
            return Err(misfit("the pathway-fit models do not match the pathways"));
        }
        for learner in &self.fit_learners {
            learner
                .check(n_cols)
                .map_err(|e| misfit(format!("pathway fit: {e}")))?;
        }
        self.calibrator.check(k).map_err(misfit)?;
        for (what, value) in [
            ("the conformal threshold", self.conformal_threshold),
            (
                "the pathway-fit conformal threshold",
                self.fit_conformal_threshold,
            ),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(misfit(format!("{what} is {value}, outside 0 to 1")));
            }
        }
        if self.report.pathways != self.pathways {
            return Err(misfit("the report names other pathways"));
        }
        Ok(())
    }
}
