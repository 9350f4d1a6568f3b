use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: the import pipeline and the rollups allocate
/// millions of small values, which glibc's allocator served slower (a fifth of the
/// import's CPU time) and spread over per-thread arenas that kept memory resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = vigie::cli::Cli::parse();
    vigie::cli::run(cli).await
}
