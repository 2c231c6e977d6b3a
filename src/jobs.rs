//! Long jobs as data: what the page asks the Web Worker to do and what comes
//! back. The worker only moves these values across; the work itself is done
//! here, by the engines, so it is tested natively like everything else.

use serde::{Deserialize, Serialize};

use crate::import::{self, Imported, ReadOptions};

/// A job for the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobRequest {
    /// Read and type a referral file.
    Import {
        name: String,
        bytes: Vec<u8>,
        sheet: Option<String>,
    },
}

/// A finished job's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    Imported(Imported),
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
    }
}
