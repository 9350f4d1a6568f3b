//! The server's side of the server functions' port: each method calls a service.

use app::api::backend::{Backend, BoxFuture, BoxStream, LoginOutcome};
use app::domain::auth::UserSummary;
use app::domain::board::BoardSnapshot;
use app::domain::error::AppError;
use app::domain::indicators::{
    ExplorerOptions, SeriesQuery, SeriesResponse, SummaryQuery, SummaryResponse,
};
use app::domain::series_parts::SeriesLine;
use futures::StreamExt;

use super::error::ApiError;
use super::AppState;
use crate::clock::now_ms;
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
}
