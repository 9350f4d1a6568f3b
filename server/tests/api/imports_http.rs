//! The Imports page's server side through HTTP: the rejected rows' CSV download (roles,
//! filters, formula neutralising, every row), and the rule choices of an import's
//! detail, on SQLite and on PostgreSQL.

use crate::support::TestApp;
use app::domain::auth::Role;
use app::domain::imports::{ImportDetail, ImportStatus, Phase, Stage};
use app::i18n::Message;
use reqwest::StatusCode;
use vigie::storage::imports::{self, ImportRecord, RejectedRow};
use vigie::storage::{Database, Engine};

const IMPORT_ID: &str = "IMPORT_20260301_060000_001";

fn rejected(file_type: &str, line: i64, column: &str, rule: &str, message: &str) -> RejectedRow {
    RejectedRow {
        file_type: file_type.into(),
        line,
        column: column.into(),
        rule: rule.into(),
        message: message.into(),
    }
}

/// A succeeded import with `extra` more `probe_runs` rows than the three named ones.
async fn seed_import(db: &Database, extra: i64) -> crate::support::TestResult {
    imports::create(
        db,
        &ImportRecord {
            import_id: IMPORT_ID.into(),
            phase: Phase::Daily,
            folder: "/tmp/drop".into(),
            business_date: Some("2026-02-28".into()),
            status: ImportStatus::Succeeded,
            stage: Stage::Finish,
            reference_ms: 1_772_341_200_000,
            created_at_ms: 1_772_341_200_000,
            finished_at_ms: Some(1_772_341_260_000),
            failure: None,
            touched_from_ms: None,
            touched_to_ms: None,
        },
    )
    .await?;
    let mut errors = vec![
        (
            rejected("probe_runs", 4, "status", "enum", "=HYPERLINK(\"x\")"),
            0,
        ),
        (
            rejected(
                "prospects",
                7,
                "email",
                "type",
                "not an e-mail address, \"quoted\"",
            ),
            0,
        ),
        (rejected("prospects", 9, "phone", "mandatory", "missing"), 0),
        (
            rejected(
                "probe_steps",
                12,
                "position",
                "range",
                &Message::new("rejection.range").arg(1).arg(1000).encode(),
            ),
            0,
        ),
    ];
    for line in 0..extra {
        errors.push((
            rejected("probe_runs", 100 + line, "duration_ms", "range", "negative"),
            0,
        ));
    }
    let mut connection = db.pool().acquire().await?;
    imports::insert_errors(&mut connection, db.engine(), IMPORT_ID, &errors).await?;
    Ok(())
}

fn csv_path(query: &str) -> String {
    format!("/api/v1/imports/{IMPORT_ID}/rejections.csv{query}")
}

async fn rejected_rows_download_as_csv_for_support_and_admins(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    seed_import(&app.database.db, 1_200).await?;
    let support = app.client_as(Role::Support).await?;

    let all = support.get(app.url(&csv_path(""))).send().await?;
    assert_eq!(all.status(), StatusCode::OK);
    let disposition = all
        .headers()
        .get("content-disposition")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains(&format!("vigie-rejets-{IMPORT_ID}.csv")),
        "{disposition}"
    );
    let text = all.text().await?;
    let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines[0], "file_type,line,column,rule,message");
    assert_eq!(lines.len(), 1 + 4 + 1_200, "every row, over several pages");
    assert!(lines.contains(&"probe_runs,4,status,enum,\"'=HYPERLINK(\"\"x\"\")\""));

    let filtered = support
        .get(app.url(&csv_path("?file_type=prospects&rule=type")))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(
        filtered,
        "file_type,line,column,rule,message\r\n\
         prospects,7,email,type,\"not an e-mail address, \"\"quoted\"\"\"\r\n"
    );
    let empty_filters = support
        .get(app.url(&csv_path("?file_type=&rule=")))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(empty_filters, text, "empty filters mean no filter");

    // Messages are written in the reader's language: French unless English is asked.
    for (query, expected) in [
        (
            "?file_type=probe_steps",
            "doit être compris entre 1 et 1000",
        ),
        (
            "?file_type=probe_steps&lang=fr",
            "doit être compris entre 1 et 1000",
        ),
        (
            "?file_type=probe_steps&lang=en",
            "must be between 1 and 1000",
        ),
    ] {
        let text = support
            .get(app.url(&csv_path(query)))
            .send()
            .await?
            .text()
            .await?;
        assert_eq!(
            text,
            format!("file_type,line,column,rule,message\r\nprobe_steps,12,position,range,{expected}\r\n"),
            "{query}"
        );
    }

    let admin = app.client_as(Role::Admin).await?;
    let as_admin = admin.get(app.url(&csv_path("?rule=enum"))).send().await?;
    assert_eq!(as_admin.status(), StatusCode::OK);
    let unknown = admin
        .get(app.url("/api/v1/imports/IMPORT_NONE/rejections.csv"))
        .send()
        .await?;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    Ok(())
}
on_both_engines!(rejected_rows_download_as_csv_for_support_and_admins);

async fn rejected_rows_csv_is_refused_without_the_role(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    seed_import(&app.database.db, 0).await?;
    let anonymous = app.client().get(app.url(&csv_path(""))).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for role in [Role::Viewer, Role::Sales] {
        let client = app.client_as(role).await?;
        let refused = client.get(app.url(&csv_path(""))).send().await?;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
    Ok(())
}
on_both_engines!(rejected_rows_csv_is_refused_without_the_role);

async fn an_import_detail_names_the_rules_its_rows_broke(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    seed_import(&app.database.db, 2).await?;
    let support = app.client_as(Role::Support).await?;
    let response = support
        .get(app.url(&format!("/api/show_import?import_id={IMPORT_ID}")))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: ImportDetail = response.json().await?;
    assert_eq!(detail.rules, ["enum", "mandatory", "range", "type"]);
    Ok(())
}
on_both_engines!(an_import_detail_names_the_rules_its_rows_broke);

/// `/imports`, `/imports/{id}` and `/imports/{id}/errors` as JSON: the list, one
/// import, its rejected rows page by page (each once, in order, never a personal value
/// beyond the message the import wrote), 400 naming the parameter, 404, and the roles.
async fn imports_read_through_the_json_api(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    seed_import(&app.database.db, 250).await?;
    let support = app.client_as(Role::Support).await?;
    let get = |path: String| {
        let client = support.clone();
        let url = app.url(&path);
        async move {
            let answer = client.get(url).send().await?;
            let status = answer.status();
            let body: serde_json::Value = answer.json().await.unwrap_or_default();
            Ok::<_, reqwest::Error>((status, body))
        }
    };
    let (status, list) = get("/api/v1/imports".into()).await?;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["items"][0]["id"], IMPORT_ID);
    assert_eq!(list["items"][0]["phase"], "daily");
    assert_eq!(list["items"][0]["business_date"], "2026-02-28");
    assert_eq!(list["items"][0]["status"], "succeeded");

    let (status, one) = get(format!("/api/v1/imports/{IMPORT_ID}")).await?;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["stage"], "finish");
    assert!(one["files"].is_array() && one["stages"].is_array(), "{one}");

    // 254 rejected rows in pages of 100: each once, in the order of the file and line.
    let mut lines = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (status, page) = get(format!(
            "/api/v1/imports/{IMPORT_ID}/errors?limit=100&cursor={cursor}"
        ))
        .await?;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 254);
        for row in page["items"].as_array().into_iter().flatten() {
            lines.push((
                row["file"].as_str().unwrap_or_default().to_string(),
                row["line"].as_i64().unwrap_or(-1),
            ));
        }
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(lines.len(), 254);
    let unique: std::collections::HashSet<_> = lines.iter().collect();
    assert_eq!(unique.len(), 254, "a row was listed twice");
    let (_, ranged) = get(format!(
        "/api/v1/imports/{IMPORT_ID}/errors?file_type=probe_steps&lang=en"
    ))
    .await?;
    assert_eq!(ranged["total"], 1);
    assert_eq!(ranged["items"][0]["column"], "position");
    assert_eq!(ranged["items"][0]["rule"], "range");
    assert!(
        !ranged["items"][0]["message"]
            .as_str()
            .unwrap_or("rejection.range")
            .contains("rejection.range"),
        "the message is rendered: {ranged}"
    );

    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("cursor=zz", "cursor"),
    ] {
        let (status, body) = get(format!("/api/v1/imports/{IMPORT_ID}/errors?{query}")).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(
            body["error"]["details"][0]["parameter"], parameter,
            "{body}"
        );
    }
    let (status, _) = get("/api/v1/imports/NOPE".into()).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get("/api/v1/imports/NOPE/errors".into()).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let anonymous = app.client().get(app.url("/api/v1/imports")).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for role in [Role::Viewer, Role::Sales] {
        let client = app.client_as(role).await?;
        for path in [
            "/api/v1/imports".to_string(),
            format!("/api/v1/imports/{IMPORT_ID}"),
            format!("/api/v1/imports/{IMPORT_ID}/errors"),
        ] {
            let refused = client.get(app.url(&path)).send().await?;
            assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    let admin = app.client_as(Role::Admin).await?;
    let allowed = admin.get(app.url("/api/v1/imports")).send().await?;
    assert_eq!(allowed.status(), StatusCode::OK);
    Ok(())
}
on_both_engines!(imports_read_through_the_json_api);
