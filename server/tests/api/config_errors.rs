//! A wrong configuration value stops start-up with one line that names the setting,
//! and a non-zero exit code. Runs the real `vigie` binary.

use std::process::{Command, Output};

fn vigie(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dist = tempfile::tempdir().ok();
    let dist_path = dist
        .as_ref()
        .map(|dir| {
            let _ = std::fs::write(dir.path().join("index.html"), "<!DOCTYPE html>");
            dir.path().display().to_string()
        })
        .unwrap_or_default();
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigie"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("VIGIE_DATA_KEY")
        .env_remove("VIGIE_PORT")
        .env("VIGIE_DIST_DIR", dist_path)
        .env("VIGIE_PORT", "0");
    for (key, value) in env {
        command.env(key, value);
    }
    match command.output() {
        Ok(output) => output,
        Err(error) => panic!("cannot run vigie: {error}"),
    }
}

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let output = vigie(
        &["serve"],
        &[
            ("DATABASE_URL", "mysql://root:secret@localhost/vigie"),
            ("VIGIE_DATA_KEY", KEY),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("DATABASE_URL: unsupported scheme"),
        "{message}"
    );
    assert!(
        !message.contains("secret"),
        "the password leaked: {message}"
    );
}

#[test]
fn an_unreachable_database_is_refused() {
    let output = vigie(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/vigie"),
            ("VIGIE_DATA_KEY", KEY),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("DATABASE_URL: cannot open the database"),
        "{message}"
    );
}

#[test]
fn a_missing_data_key_is_refused() {
    let output = vigie(&["serve"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("VIGIE_DATA_KEY is missing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_malformed_data_key_is_refused() {
    let output = vigie(&["serve"], &[("VIGIE_DATA_KEY", "too-short")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("VIGIE_DATA_KEY is invalid"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_port_is_refused() {
    let output = vigie(&["serve", "--port", "99999"], &[("VIGIE_DATA_KEY", KEY)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--port"), "{}", stderr(&output));
}

#[test]
fn every_subcommand_has_help() {
    for command in ["serve", "demo", "migrate", "users"] {
        let output = vigie(&[command, "--help"], &[]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage"),
            "{command}"
        );
    }
}

#[test]
fn migrate_creates_the_sqlite_file() -> crate::support::TestResult {
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("fresh.db");
    let url = format!("sqlite://{}", file.display());
    let output = vigie(&["migrate"], &[("DATABASE_URL", &url)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(file.exists());
    Ok(())
}
