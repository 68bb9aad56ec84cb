//! fastText-format supervised classifiers (`.bin`, quantized `.ftz`): a validating reader and
//! prediction that reproduces the `fasttext` package's labels and probabilities, without it.

mod dict;
mod matrix;
mod model;
mod reader;
mod train;

pub use model::{FastTextModel, Loss, Prediction};
pub use train::{train_supervised, TrainArgs};

#[cfg(test)]
mod tests;
