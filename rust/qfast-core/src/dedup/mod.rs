//! Deduplication: datatrove's text normalization, `MinHash` signatures (datatrove-exact or fast),
//! LSH clustering with a deterministic keeper, and exact document hashes.

mod cluster;
mod exact;
mod index;
mod kernel;
mod lsh_index;
mod minhash;
mod mt19937;
mod shingle;
mod simd_words;
mod simplify;

pub use cluster::{
    band_keys, cluster, cluster_with_index, datatrove_clusters, jaccard_sorted, Outcome, UnionFind,
    INDEXED,
};
pub use exact::{doc_hash128, LineDedup, Removed};
pub use index::{doc_band_keys, BatchDocs, Dedup, DocId, Keep};
pub use kernel::sketch32;
pub use lsh_index::{IndexParams, LshIndex};
pub use minhash::{Config as MinHashConfig, MinHasher, Scratch, Shingling, MERSENNE_61};
pub use simplify::{simplify_text, TextNorm};
