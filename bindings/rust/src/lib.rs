//! Nerve's feedforward neural networks from Rust: a safe wrapper over libnerve's C interface.
//!
//! Every fallible call goes through the library's `_r` entry points, which hand the failure's status and
//! message back in a buffer owned by the call, so errors stay correct when async tasks move between threads.
//! The raw declarations, generated from include/nerve.h by bindgen, are in [`sys`].

mod activation;
mod cost;
mod error;
mod network;
pub mod sys;
mod train_options;

pub use activation::Activation;
pub use cost::Cost;
pub use error::{Error, Result};
pub use network::Network;
pub use train_options::TrainOptions;
