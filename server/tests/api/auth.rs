//! Health, readiness, login, logout, sessions and role checks, through HTTP, on
//! SQLite and on PostgreSQL.

use crate::support::{TestApp, PASSWORD};
use app::domain::auth::{Role, SessionUser};
use reqwest::StatusCode;
use serde_json::Value;
use vigie::storage::Engine;

async fn health_and_readiness_answer(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().await?;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = client.get(app.url("/readyz")).send().await?;
    assert_eq!(ready.status(), StatusCode::OK);

    app.database.db.close().await;
    let not_ready = client.get(app.url("/readyz")).send().await?;
    assert_eq!(not_ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    Ok(())
}
on_both_engines!(health_and_readiness_answer);

async fn login_opens_a_session_and_logout_ends_it(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client();
    let response = app.login(&client, "viewer", PASSWORD).await?;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.starts_with("vigie_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let user: SessionUser = response.json().await?;
    assert_eq!(user.username, "viewer");
    assert_eq!(user.roles, vec![Role::Viewer]);

    let me = client.get(app.url("/api/current_user")).send().await?;
    assert_eq!(me.status(), StatusCode::OK);

    // Replaying the old cookie after logout must fail: the session is gone server-side.
    let token = cookie.split(';').next().unwrap_or_default().to_string();
    let logout = client.post(app.url("/api/logout")).send().await?;
    assert_eq!(logout.status(), StatusCode::OK);
    let replay = app
        .client()
        .get(app.url("/api/current_user"))
        .header("cookie", token)
        .send()
        .await?;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(login_opens_a_session_and_logout_ends_it);

async fn each_login_gets_a_new_session_id(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client();
    let first = app.login(&client, "admin", PASSWORD).await?;
    let second = app.login(&client, "admin", PASSWORD).await?;
    let cookie = |response: &reqwest::Response| {
        response
            .headers()
            .get("set-cookie")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    assert_ne!(cookie(&first), cookie(&second));
    Ok(())
}
on_both_engines!(each_login_gets_a_new_session_id);

async fn a_wrong_password_is_refused(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client();
    let response = app.login(&client, "admin", "not the password").await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("set-cookie").is_none());
    let unknown = app.login(&client, "nobody", PASSWORD).await?;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let me = client.get(app.url("/api/current_user")).send().await?;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(a_wrong_password_is_refused);

async fn without_a_session_every_data_route_answers_401(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client();
    for path in [
        "/api/v1/probes",
        "/api/v1/board",
        "/api/v1/users",
        "/api/v1/board/stream",
    ] {
        let response = client.get(app.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"]["code"], "unauthenticated", "{path}");
    }
    for path in ["/api/status_board", "/api/list_users", "/api/current_user"] {
        let response = client.get(app.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    Ok(())
}
on_both_engines!(without_a_session_every_data_route_answers_401);

async fn a_role_without_the_right_gets_403(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    for role in [Role::Viewer, Role::Sales, Role::Support] {
        let client = app.client_as(role).await?;
        let api = client.get(app.url("/api/v1/users")).send().await?;
        assert_eq!(api.status(), StatusCode::FORBIDDEN, "{role:?}");
        let body: Value = api.json().await?;
        assert_eq!(body["error"]["code"], "forbidden");
        let server_fn = client.get(app.url("/api/list_users")).send().await?;
        assert_eq!(server_fn.status(), StatusCode::FORBIDDEN, "{role:?}");
        let board = client.get(app.url("/api/v1/board")).send().await?;
        assert_eq!(board.status(), StatusCode::OK, "{role:?} reads the board");
    }
    let admin = app.client_as(Role::Admin).await?;
    let users = admin.get(app.url("/api/v1/users")).send().await?;
    assert_eq!(users.status(), StatusCode::OK);
    let users: Value = users.json().await?;
    assert_eq!(users.as_array().map(Vec::len), Some(4));
    Ok(())
}
on_both_engines!(a_role_without_the_right_gets_403);

async fn an_idle_session_expires(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let client = app.client_as(Role::Viewer).await?;
    // Arrange: the session was last used two hours ago (the idle timeout is 60 minutes).
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 7200000")
        .execute(app.database.db.pool())
        .await?;
    let me = client.get(app.url("/api/current_user")).send().await?;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(an_idle_session_expires);

async fn deep_links_serve_the_application(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let page = app
        .client()
        .get(app.url("/explorer?from=now-24h&product=CCO"))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await?.contains("<title>Vigie</title>"));
    let unknown_api = app
        .client_as(Role::Viewer)
        .await?
        .get(app.url("/api/v1/nothing"))
        .send()
        .await?;
    assert_eq!(unknown_api.status(), StatusCode::NOT_FOUND);
    Ok(())
}
on_both_engines!(deep_links_serve_the_application);
