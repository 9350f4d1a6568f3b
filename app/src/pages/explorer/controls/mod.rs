//! The explorer's controls above the charts: the time range ([`time_picker`]), the
//! filters and group-by ([`filters`]), auto-refresh ([`refresh_select`]) and the link
//! that shares the view ([`copy_link`]). Each reads and changes the view state.

pub(super) mod copy_link;
pub(super) mod filters;
pub(super) mod refresh_select;
pub(super) mod time_picker;
