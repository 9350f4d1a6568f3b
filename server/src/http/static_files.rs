use std::path::Path;

use tower_http::services::{ServeDir, ServeFile};

/// The built front end (Trunk's `dist/`). Any other path answers `index.html` (200),
/// so that a deep link opens the single-page application at that route.
pub fn service(dist_dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dist_dir)
        .precompressed_gzip()
        .fallback(ServeFile::new(dist_dir.join("index.html")))
}
