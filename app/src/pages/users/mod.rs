mod users_page;

pub use users_page::UsersPage;
