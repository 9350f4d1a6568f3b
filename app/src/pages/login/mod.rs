mod login_page;

pub use login_page::LoginPage;
