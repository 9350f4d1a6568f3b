use app::domain::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::indicators::IndicatorError;
use crate::storage::StorageError;

/// An error of the JSON API, answered as `{"error": {"code", "message", "details"}}`.
/// Internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("invalid parameter '{parameter}': {message}")]
    BadParameter { parameter: String, message: String },
    #[error("not found")]
    NotFound,
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("database unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn bad(parameter: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadParameter {
            parameter: parameter.to_string(),
            message: message.into(),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::BadParameter { .. } => "bad_parameter",
            ApiError::NotFound => "not_found",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let details = match &self {
            ApiError::BadParameter { parameter, .. } => json!([{ "parameter": parameter }]),
            _ => json!([]),
        };
        let body = json!({ "error": { "code": self.code(), "message": self.to_string(), "details": details } });
        (self.status_code(), Json(body)).into_response()
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        tracing::error!(%error, "storage error");
        if error.is_unavailable() {
            ApiError::Unavailable
        } else {
            ApiError::Internal
        }
    }
}

impl From<IndicatorError> for ApiError {
    fn from(error: IndicatorError) -> Self {
        match error {
            IndicatorError::BadParameter { parameter, message } => ApiError::BadParameter {
                parameter: parameter.to_string(),
                message,
            },
            IndicatorError::Storage(error) => ApiError::from(error),
        }
    }
}

impl From<ApiError> for AppError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthenticated => AppError::Unauthenticated,
            ApiError::Forbidden => AppError::Forbidden,
            ApiError::BadParameter { message, .. } => AppError::InvalidInput(message),
            ApiError::PayloadTooLarge(_) => {
                AppError::InvalidInput("the body is too large".to_string())
            }
            ApiError::NotFound | ApiError::Internal => AppError::Internal,
            ApiError::Unavailable => AppError::Unavailable,
        }
    }
}
