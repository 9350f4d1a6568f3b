//! The live status board (home page): every product and its probes, state now,
//! availability, recent durations, and a banner for what is down. Refreshes itself
//! when the server announces a new run (Server-Sent Events).

mod board_page;
mod down_banner;
mod live_updates;
mod probe_tile;
mod sparkline;

pub use board_page::BoardPage;
