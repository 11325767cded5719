//! `foureyes suppressions`: every scanner ignore in an application repository must be an
//! approved, unexpired Exception of the governance repository (SPEC §7).
//!
//! [`service`] says which service code belongs to, [`backing`] which Exceptions back a
//! suppression; both serve any command that holds application artefacts against the
//! governance repository. [`formats`] reads the scanners' files, [`emit`] writes them.

pub mod backing;
pub mod formats;
pub mod instant;
pub mod service;
