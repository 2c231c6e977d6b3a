//! Long jobs as data: what the page asks the Web Worker to do and what comes
//! back. The worker only moves these values across; the work itself is done
//! here, by the engines, so it is tested natively like everything else.

pub mod flows;

use serde::{Deserialize, Serialize};

use crate::import::{self, Dataset, Imported, ReadOptions};
use crate::instant_demo::{self, InstantDemo};
use crate::model::batch::{self, BatchResult};
use crate::model::train::{self, TrainConfig, TrainedModel};
use crate::ranker::{self, Directory, Problem as RankerProblem};
use crate::segment::{self, SegmentConfig, Segmentation};
use crate::sim::{self, RunConfig, Scenario, SimReport};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobRequest {
    /// Read and type a referral file.
    Import {
        name: String,
        bytes: Vec<u8>,
        sheet: Option<String>,
    },
    /// Score a file of new referrals with the model, or one part of its
    /// rows; with the top three reasons per row when asked (exact reasons
    /// cost milliseconds a row, so the page shares them among workers).
    Batch {
        name: String,
        bytes: Vec<u8>,
        model: Box<TrainedModel>,
        with_reasons: bool,
        part: batch::Part,
    },
    /// Run the flow simulator on a scenario.
    Simulate {
        scenario: Box<Scenario>,
        config: RunConfig,
    },
    /// Group the referral data with k-means.
    Segment {
        dataset: Box<Dataset>,
        config: SegmentConfig,
    },
    /// Train and validate the triage model.
    Train {
        dataset: Box<Dataset>,
        config: Box<TrainConfig>,
    },
    /// Build the instant demo (`#demo`): data, model, decisions, groups and
    /// a simulation.
    Demo { seed: u64 },
    /// A job of the Flows screen (event logs of stays, issue 11).
    Flows(Box<flows::FlowsRequest>),
    /// Read a service directory: one file in the simple layout (CSV or a
    /// workbook) or several Open Referral HSDS tables. In the worker
    /// because the workbook readers (calamine, zip, XML) are a third of a
    /// megabyte the page would otherwise fetch before its first screen.
    Directory { files: Vec<(String, Vec<u8>)> },
}

impl JobRequest {
    /// Takes the file's bytes out of an import or batch request (empty
    /// afterwards), so the page can hand them to the worker as a typed array
    /// instead of JSON numbers; `None` for requests without a file.
    pub fn take_bytes(&mut self) -> Option<Vec<u8>> {
        match self {
            JobRequest::Import { bytes, .. } | JobRequest::Batch { bytes, .. } => {
                Some(std::mem::take(bytes))
            }
            JobRequest::Flows(request) => match &mut request.source {
                flows::FlowSource::File { bytes, .. } => Some(std::mem::take(bytes)),
                flows::FlowSource::Demo(_) => None,
            },
            _ => None,
        }
    }

    /// Puts the bytes [`JobRequest::take_bytes`] took back (the worker's side).
    pub fn put_bytes(&mut self, file: Vec<u8>) {
        if let JobRequest::Import { bytes, .. } | JobRequest::Batch { bytes, .. } = self {
            *bytes = file;
        } else if let JobRequest::Flows(request) = self {
            if let flows::FlowSource::File { bytes, .. } = &mut request.source {
                *bytes = file;
            }
        }
    }

    /// Every file's bytes taken out of the request, in order (those of
    /// [`JobRequest::take_bytes`], or a directory's tables), to cross as
    /// typed arrays.
    pub fn take_files(&mut self) -> Vec<Vec<u8>> {
        match self {
            JobRequest::Directory { files } => files
                .iter_mut()
                .map(|(_, bytes)| std::mem::take(bytes))
                .collect(),
            _ => self.take_bytes().into_iter().collect(),
        }
    }

    /// Puts the files [`JobRequest::take_files`] took back.
    pub fn put_files(&mut self, taken: Vec<Vec<u8>>) {
        match self {
            JobRequest::Directory { files } => {
                for ((_, slot), bytes) in files.iter_mut().zip(taken) {
                    *slot = bytes;
                }
            }
            _ => {
                if let Some(bytes) = taken.into_iter().next() {
                    self.put_bytes(bytes);
                }
            }
        }
    }
}

/// A finished job's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    Imported(Imported),
    Trained(Box<TrainedModel>),
    Scored(BatchResult),
    Simulated(Box<SimReport>),
    Segmented(Box<Segmentation>),
    Demo(Box<InstantDemo>),
    Flows(Box<flows::FlowsResult>),
    /// A directory read, with the rows' problems (the rest was imported).
    Directory {
        directory: Box<Directory>,
        problems: Vec<RankerProblem>,
    },
}

/// What the worker sends back while and after it works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobUpdate {
    /// `done` of `total` steps of the named stage.
    Progress {
        stage: String,
        done: usize,
        total: usize,
    },
    Done(Box<JobResult>),
    /// The job could not be done; the message is for the user.
    Failed(String),
}

/// Runs a job, reporting progress through `progress`.
pub fn run(request: JobRequest, progress: &mut dyn FnMut(JobUpdate)) -> JobUpdate {
    match request {
        JobRequest::Import { name, bytes, sheet } => {
            progress(JobUpdate::Progress {
                stage: format!("Reading {name}"),
                done: 0,
                total: 1,
            });
            let options = ReadOptions {
                sheet,
                ..ReadOptions::default()
            };
            match import::import(&name, &bytes, &options) {
                Ok(imported) => JobUpdate::Done(Box::new(JobResult::Imported(imported))),
                Err(err) => JobUpdate::Failed(err.to_string()),
            }
        }
        JobRequest::Batch {
            name,
            bytes,
            model,
            with_reasons,
            part,
        } => {
            let imported = match import::import(&name, &bytes, &ReadOptions::default()) {
                Ok(imported) => imported,
                Err(err) => return JobUpdate::Failed(err.to_string()),
            };
            let stage = if with_reasons {
                format!("Working out the reasons for {name}")
            } else {
                format!("Scoring {name}")
            };
            let mut report = |done: usize, total: usize| {
                progress(JobUpdate::Progress {
                    stage: stage.clone(),
                    done,
                    total,
                })
            };
            match batch::score_part(&model, &imported.dataset, with_reasons, part, &mut report) {
                Ok(result) => JobUpdate::Done(Box::new(JobResult::Scored(result))),
                Err(err) => JobUpdate::Failed(err.to_string()),
            }
        }
        JobRequest::Simulate { scenario, config } => {
            let checked = match scenario.check() {
                Ok(checked) => checked,
                Err(err) => return JobUpdate::Failed(err.to_string()),
            };
            let mut report = |done: usize, total: usize| {
                progress(JobUpdate::Progress {
                    stage: "Simulating".into(),
                    done,
                    total,
                });
                true
            };
            match sim::simulate(&checked, &config, &mut report) {
                Ok(result) => JobUpdate::Done(Box::new(JobResult::Simulated(Box::new(result)))),
                Err(err) => JobUpdate::Failed(err.to_string()),
            }
        }
        JobRequest::Segment { dataset, config } => {
            progress(JobUpdate::Progress {
                stage: "Finding groups".into(),
                done: 0,
                total: 1,
            });
            match segment::segment(&dataset, &config) {
                Ok(result) => JobUpdate::Done(Box::new(JobResult::Segmented(Box::new(result)))),
                Err(err) => JobUpdate::Failed(err.to_string()),
            }
        }
        JobRequest::Train { dataset, config } => {
            progress(JobUpdate::Progress {
                stage: "Training and validating the model".into(),
                done: 0,
                total: 1,
            });
            let mut model = match train::train(&dataset, &config) {
                Ok(model) => model,
                Err(err) => {
                    return JobUpdate::Failed(format!("The model could not be trained: {err}"))
                }
            };
            if !config.audit_columns.is_empty() {
                let mut report = |done: usize, total: usize| {
                    progress(JobUpdate::Progress {
                        stage: "Auditing fairness".into(),
                        done,
                        total,
                    })
                };
                if let Err(err) = crate::oversight::audit::attach(
                    &mut model,
                    &dataset,
                    &config.audit_columns,
                    &mut report,
                ) {
                    return JobUpdate::Failed(format!(
                        "The fairness audit could not be made: {err}"
                    ));
                }
            }
            JobUpdate::Done(Box::new(JobResult::Trained(Box::new(model))))
        }
        JobRequest::Demo { seed } => {
            let mut report = |stage: &str, done: usize, total: usize| {
                progress(JobUpdate::Progress {
                    stage: stage.to_string(),
                    done,
                    total,
                })
            };
            match instant_demo::build(seed, &mut report) {
                Ok(demo) => JobUpdate::Done(Box::new(JobResult::Demo(Box::new(demo)))),
                Err(err) => JobUpdate::Failed(format!("The demo could not be built: {err}")),
            }
        }
        JobRequest::Flows(request) => {
            let mut report = |stage: &str, done: usize, total: usize| {
                progress(JobUpdate::Progress {
                    stage: stage.to_string(),
                    done,
                    total,
                });
                true
            };
            match flows::run(*request, &mut report) {
                Ok(result) => JobUpdate::Done(Box::new(JobResult::Flows(Box::new(result)))),
                Err(message) => JobUpdate::Failed(message),
            }
        }
        JobRequest::Directory { files } => {
            progress(JobUpdate::Progress {
                stage: "Reading the directory".into(),
                done: 0,
                total: 1,
            });
            let read = match files.as_slice() {
                [(name, bytes)] => ranker::import_directory(name, bytes),
                tables => ranker::import_hsds(tables),
            };
            match read {
                Ok((directory, problems)) => JobUpdate::Done(Box::new(JobResult::Directory {
                    directory: Box::new(directory),
                    problems,
                })),
                Err(err) => JobUpdate::Failed(format!("The directory was not imported: {err}")),
            }
        }
    }
}
