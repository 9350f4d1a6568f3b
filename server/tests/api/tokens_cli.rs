//! `vigie tokens create|list|revoke` through the real binary: the secret is printed
//! once and never listed, a bad scope is named, a revoked token shows as revoked.

use std::process::{Command, Output};

fn vigie(database_url: &str, args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
    {
        Ok(output) => output,
        Err(error) => panic!("cannot run vigie: {error}"),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn tokens_are_created_listed_and_revoked_from_the_command_line() {
    let folder = tempfile::tempdir().ok();
    let path = folder
        .as_ref()
        .map(|dir| dir.path().join("vigie.db").display().to_string())
        .unwrap_or_default();
    let url = format!("sqlite://{path}");

    let created = vigie(
        &url,
        &[
            "tokens",
            "create",
            "--name",
            "probes robot",
            "--scopes",
            "ingest,read",
        ],
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let out = text(&created.stdout);
    let secret = out
        .lines()
        .find_map(|line| line.strip_prefix("secret (shown once, keep it safe): "))
        .unwrap_or_default()
        .to_string();
    assert!(secret.starts_with("vigie_") && secret.len() > 40, "{out}");
    let id = out
        .split_whitespace()
        .find(|word| word.starts_with("tok_"))
        .unwrap_or_default()
        .to_string();

    let listed = vigie(&url, &["tokens", "list"]);
    let list = text(&listed.stdout);
    assert!(
        list.contains(&id) && list.contains("probes robot") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&secret), "the secret is never listed");

    let revoked = vigie(&url, &["tokens", "revoke", &id]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    let list = text(&vigie(&url, &["tokens", "list"]).stdout);
    assert!(list.contains("revoked"), "{list}");
    let again = vigie(&url, &["tokens", "revoke", &id]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an id that names no active token is a usage error"
    );
    assert!(text(&again.stderr).contains("no active token"));

    let bad = vigie(
        &url,
        &["tokens", "create", "--name", "x", "--scopes", "write"],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("scopes: 'write' is not a scope"),
        "{}",
        text(&bad.stderr)
    );
}
