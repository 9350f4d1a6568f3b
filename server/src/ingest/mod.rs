//! Getting data in. The live paths that store probe runs (the ingest API, the demo's
//! simulation) go through [`RunRecorder`], so that rollups and incidents follow and open
//! status boards hear about each stored run; the file import writes its facts in its
//! load transaction and rebuilds the rollups of the range it loaded, announcing nothing.
//! Every path that accepts items from outside validates them with the same rules
//! ([`validate`]), and prospects are sealed ([`prospects`]) before anything is stored.

pub mod prospects;
mod recorder;
pub mod validate;

pub use recorder::RunRecorder;
