//! Placeholder: the Driver API chapter's GPU tests are being written.
fn main() {}
