//! Steps run over a text column: one tokenization per document shared by the steps.
