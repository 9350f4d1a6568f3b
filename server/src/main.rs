use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = vigie::cli::Cli::parse();
    vigie::cli::run(cli).await
}
