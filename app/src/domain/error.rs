use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// The error that crosses from the server to the browser. It carries a code the UI
/// translates, never a database message or personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not authenticated")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    #[error("transport error: {0}")]
    Transport(String),
}

impl AppError {
    /// Translation key for the message the user reads.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "error.unauthenticated",
            AppError::Forbidden => "error.forbidden",
            AppError::InvalidCredentials => "error.invalid_credentials",
            AppError::InvalidInput(_) => "error.invalid_input",
            AppError::Unavailable => "error.unavailable",
            AppError::Internal => "error.internal",
            AppError::Transport(_) => "error.transport",
        }
    }

    /// HTTP status the server answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::InvalidInput(_) => 400,
            AppError::Unavailable => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
