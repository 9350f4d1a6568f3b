//! The server's side of the server functions' port: each method calls a service.

use app::api::backend::{Backend, BoxFuture, BoxStream, LoginOutcome};
use app::domain::alerts::AlertSummary;
use app::domain::auth::UserSummary;
use app::domain::board::BoardSnapshot;
use app::domain::error::AppError;
use app::domain::funnel::{Funnel, FunnelQuery};
use app::domain::imports::{
    ImportActivity, ImportDetail, ImportSummary, RejectedPage, RejectedQuery,
};
use app::domain::incidents::{IncidentDetail, IncidentsPage, IncidentsQuery};
use app::domain::indicators::{
    ExplorerOptions, SeriesQuery, SeriesResponse, SummaryQuery, SummaryResponse,
};
use app::domain::runs::{RunDetail, RunsPage, RunsQuery};
use app::domain::series_parts::SeriesLine;
use app::domain::tokens::{ApiTokenSummary, NewApiToken, Scope};
use futures::StreamExt;

use super::error::ApiError;
use super::imports;
use super::AppState;
use crate::auth::tokens::TokenError;
use crate::clock::now_ms;
use crate::storage::tokens::StoredToken;
use crate::storage::users;

pub struct ServerBackend {
    state: AppState,
}

impl ServerBackend {
    pub fn new(state: AppState) -> ServerBackend {
        ServerBackend { state }
    }
}

impl Backend for ServerBackend {
    fn login<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<LoginOutcome, AppError>> {
        Box::pin(async move {
            let (user, token) = self.state.auth.login(username, password).await?;
            Ok(LoginOutcome {
                user,
                set_cookie: self.state.auth.session_cookie(&token),
            })
        })
    }

    fn logout<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(async move {
            if !session_token.is_empty() {
                self.state.auth.logout(session_token).await?;
            }
            Ok(self.state.auth.cleared_cookie())
        })
    }

    fn status_board(&self) -> BoxFuture<'_, Result<BoardSnapshot, AppError>> {
        Box::pin(async move {
            self.state
                .board
                .snapshot(now_ms())
                .await
                .map_err(|error| AppError::from(ApiError::from(error)))
        })
    }

    fn indicators_series(
        &self,
        query: SeriesQuery,
    ) -> BoxFuture<'_, Result<SeriesResponse, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .indicators
                .series(&query, now_ms())
                .await
                .map_err(ApiError::from)?)
        })
    }

    fn indicators_series_parts(
        &self,
        query: SeriesQuery,
    ) -> Result<BoxStream<SeriesLine>, AppError> {
        let parts = self
            .state
            .indicators
            .series_parts(&query, now_ms())
            .map_err(ApiError::from)?;
        // An error ends the answer: its line is the last one.
        let lines = parts
            .map(|part| match part {
                Ok(part) => SeriesLine::Part(part),
                Err(error) => SeriesLine::Error(AppError::from(ApiError::from(error))),
            })
            .scan(false, |ended, line| {
                if *ended {
                    return futures::future::ready(None);
                }
                *ended = matches!(line, SeriesLine::Error(_));
                futures::future::ready(Some(line))
            });
        Ok(Box::pin(lines))
    }

    fn indicators_summary(
        &self,
        query: SummaryQuery,
    ) -> BoxFuture<'_, Result<SummaryResponse, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .indicators
                .summary(&query, now_ms())
                .await
                .map_err(ApiError::from)?)
        })
    }

    fn explorer_options(&self) -> BoxFuture<'_, Result<ExplorerOptions, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .indicators
                .options()
                .await
                .map_err(ApiError::from)?)
        })
    }

    fn list_users(&self) -> BoxFuture<'_, Result<Vec<UserSummary>, AppError>> {
        Box::pin(async move {
            users::list_users(&self.state.db)
                .await
                .map_err(|error| AppError::from(ApiError::from(error)))
        })
    }

    fn list_tokens(&self) -> BoxFuture<'_, Result<Vec<ApiTokenSummary>, AppError>> {
        Box::pin(async move {
            let tokens = self.state.tokens.list().await.map_err(ApiError::from)?;
            Ok(tokens.into_iter().map(token_summary).collect())
        })
    }

    fn create_token(
        &self,
        name: String,
        scopes: Vec<Scope>,
        created_by: String,
    ) -> BoxFuture<'_, Result<NewApiToken, AppError>> {
        Box::pin(async move {
            let created = self
                .state
                .tokens
                .create(&name, &scopes, &created_by)
                .await
                .map_err(token_error)?;
            Ok(NewApiToken {
                token: token_summary(created.token),
                secret: created.secret,
            })
        })
    }

    fn revoke_token(
        &self,
        token_id: String,
        revoked_by: String,
    ) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move {
            let revoked = self
                .state
                .tokens
                .revoke(&token_id, &revoked_by)
                .await
                .map_err(ApiError::from)?;
            if revoked {
                Ok(())
            } else {
                Err(AppError::InvalidInput(format!(
                    "no active token {token_id}"
                )))
            }
        })
    }

    fn list_imports(&self) -> BoxFuture<'_, Result<Vec<ImportSummary>, AppError>> {
        Box::pin(async move { Ok(imports::list(&self.state).await?) })
    }

    fn import_detail(&self, import_id: String) -> BoxFuture<'_, Result<ImportDetail, AppError>> {
        Box::pin(async move {
            imports::detail(&self.state, &import_id)
                .await?
                .ok_or_else(|| AppError::InvalidInput(format!("no import {import_id}")))
        })
    }

    fn import_rejections(
        &self,
        query: RejectedQuery,
    ) -> BoxFuture<'_, Result<RejectedPage, AppError>> {
        Box::pin(async move { Ok(imports::rejections(&self.state, query, 500).await?) })
    }

    fn continue_import(
        &self,
        import_id: String,
        restart: bool,
    ) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(async move { imports::continue_import(&self.state, &import_id, restart).await })
    }

    fn recent_alerts(&self) -> BoxFuture<'_, Result<Vec<AlertSummary>, AppError>> {
        Box::pin(imports::recent_alerts(&self.state))
    }

    fn import_activity(&self) -> BoxFuture<'_, Result<ImportActivity, AppError>> {
        Box::pin(imports::activity(&self.state))
    }

    fn runs_page(&self, query: RunsQuery) -> BoxFuture<'_, Result<RunsPage, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .runs
                .page(&query, now_ms())
                .await
                .map_err(ApiError::from)?)
        })
    }

    fn run_detail(&self, run_id: String) -> BoxFuture<'_, Result<RunDetail, AppError>> {
        Box::pin(async move {
            self.state
                .runs
                .detail(&run_id)
                .await
                .map_err(ApiError::from)?
                .ok_or_else(|| AppError::InvalidInput(format!("no run {run_id}")))
        })
    }

    fn incidents_page(
        &self,
        query: IncidentsQuery,
    ) -> BoxFuture<'_, Result<IncidentsPage, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .incidents
                .page(&query, now_ms())
                .await
                .map_err(ApiError::from)?)
        })
    }

    fn incident_detail(
        &self,
        incident_id: String,
    ) -> BoxFuture<'_, Result<IncidentDetail, AppError>> {
        Box::pin(async move {
            self.state
                .incidents
                .detail(&incident_id, now_ms())
                .await
                .map_err(ApiError::from)?
                .ok_or_else(|| AppError::InvalidInput(format!("no incident {incident_id}")))
        })
    }

    fn funnel(&self, query: FunnelQuery) -> BoxFuture<'_, Result<Funnel, AppError>> {
        Box::pin(async move {
            Ok(self
                .state
                .funnel
                .funnel(&query, now_ms())
                .await
                .map_err(ApiError::from)?)
        })
    }
}

fn token_summary(token: StoredToken) -> ApiTokenSummary {
    ApiTokenSummary {
        scopes: token.scopes.0,
        revoked: token.revoked_at_ms.is_some(),
        token_id: token.token_id,
        name: token.name,
        created_by: token.created_by,
        created_at_ms: token.created_at_ms,
        last_used_at_ms: token.last_used_at_ms,
    }
}

fn token_error(error: TokenError) -> AppError {
    match error {
        TokenError::Storage(error) => AppError::from(ApiError::from(error)),
        invalid => AppError::InvalidInput(invalid.to_string()),
    }
}
