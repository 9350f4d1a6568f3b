//! Which drop a folder holds: the ten files `<type>_<YYYYMMDD>.csv` of one business
//! date, each readable with the right header. Other files are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::csv_reader::CsvFile;
use super::files::FileType;
use super::ImportError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drop {
    pub folder: PathBuf,
    pub business_date: NaiveDate,
    pub files: BTreeMap<FileType, PathBuf>,
    /// Names of the folder's other files.
    pub ignored: Vec<String>,
}

/// The file type and date a file name stands for, if it follows `<type>_<YYYYMMDD>.csv`.
pub fn parse_name(name: &str) -> Option<(FileType, NaiveDate)> {
    let stem = name.strip_suffix(".csv")?;
    let (kind, date) = stem.rsplit_once('_')?;
    if date.len() != 8 || !date.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    Some((FileType::from_name(kind)?, date))
}

/// The drop in `folder`: every file type present for one business date (the check
/// stage's first half; [`Drop::check_headers`] is the second).
pub fn inspect(folder: &Path) -> Result<Drop, ImportError> {
    let folder_name = folder.display().to_string();
    let entries = std::fs::read_dir(folder).map_err(|error| ImportError::Unreadable {
        file: folder_name.clone(),
        cause: error.to_string(),
    })?;
    let mut found: BTreeMap<FileType, (NaiveDate, PathBuf)> = BTreeMap::new();
    let mut dates = BTreeSet::new();
    let mut ignored = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        match parse_name(&name) {
            Some((file_type, date)) => {
                dates.insert(date);
                found.insert(file_type, (date, entry.path()));
            }
            None => ignored.push(name),
        }
    }
    ignored.sort();
    let business_date = match dates.len() {
        0 => {
            return Err(ImportError::NoDrop {
                folder: folder_name,
            })
        }
        1 => dates.into_iter().next().ok_or(ImportError::NoDrop {
            folder: folder_name.clone(),
        })?,
        _ => {
            return Err(ImportError::MixedDates {
                folder: folder_name,
                dates: dates
                    .iter()
                    .map(|date| date.format("%Y%m%d").to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    };
    let mut files = BTreeMap::new();
    for file_type in FileType::ALL {
        match found.remove(&file_type) {
            Some((_, path)) => {
                files.insert(file_type, path);
            }
            None => {
                return Err(ImportError::MissingFile {
                    file: format!(
                        "{}_{}.csv",
                        file_type.name(),
                        business_date.format("%Y%m%d")
                    ),
                })
            }
        }
    }
    Ok(Drop {
        folder: folder.to_path_buf(),
        business_date,
        files,
        ignored,
    })
}

impl Drop {
    /// Opens every file and checks its header.
    pub fn check_headers(&self) -> Result<(), ImportError> {
        for (file_type, path) in &self.files {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().to_string())
                .unwrap_or_default();
            let file = File::open(path).map_err(|error| ImportError::Unreadable {
                file: name.clone(),
                cause: error.to_string(),
            })?;
            CsvFile::open(*file_type, BufReader::new(file), &name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_drop(folder: &Path, date: &str, skip: Option<FileType>) {
        for file_type in FileType::ALL {
            if Some(file_type) == skip {
                continue;
            }
            let header = file_type.columns().join(",");
            let _ = std::fs::write(
                folder.join(format!("{}_{date}.csv", file_type.name())),
                format!("{header}\n"),
            );
        }
    }

    #[test]
    fn a_complete_drop_is_found_and_other_files_ignored() {
        let Ok(folder) = tempfile::tempdir() else {
            return;
        };
        write_drop(folder.path(), "20261121", None);
        let _ = std::fs::write(folder.path().join("README.txt"), "hello");
        let drop = inspect(folder.path());
        assert_eq!(
            drop.as_ref()
                .map(|drop| (drop.files.len(), drop.ignored.clone()))
                .ok(),
            Some((10, vec!["README.txt".to_string()]))
        );
        assert_eq!(drop.map(|drop| drop.check_headers()).ok(), Some(Ok(())));
    }

    #[test]
    fn a_missing_file_or_mixed_dates_fail_the_check() {
        let Ok(folder) = tempfile::tempdir() else {
            return;
        };
        write_drop(folder.path(), "20261121", Some(FileType::ProbeSteps));
        assert_eq!(
            inspect(folder.path()).err(),
            Some(ImportError::MissingFile {
                file: "probe_steps_20261121.csv".into()
            })
        );
        let _ = std::fs::write(folder.path().join("probe_steps_20261122.csv"), "");
        assert!(matches!(
            inspect(folder.path()),
            Err(ImportError::MixedDates { .. })
        ));
        assert_eq!(parse_name("probe_runs_20261131.csv"), None);
        assert_eq!(parse_name("probe_runs_2026112.csv"), None);
    }
}
