//! A daily drop written for tests: the ten files of business date 2026-11-20 with a
//! small catalog, a day of runs every 5 minutes for two probes, their steps, prospects
//! and journey events; optionally with known defects, each remembered with its file,
//! line, column and rule. The products file starts with a BOM, the services file has
//! CRLF line ends, and some fields hold quoted commas and newlines; with the defects, one
//! journey event line holds a stray quote.

use std::collections::BTreeSet;
use std::path::Path;

pub const DATE: &str = "20261120";

/// A rejected row the test expects: (file, line, column, rule).
pub type Expected = (String, i64, String, String);

/// Personal values written in the prospects file (to search for in clear).
pub const SECRET_NAMES: [&str; 3] = ["Zéphyrine", "Bartholomew", "zephyrine.secret@example.org"];

struct File {
    name: &'static str,
    text: String,
    /// The line the next row starts on (the header is line 1).
    line: i64,
    crlf: bool,
}

impl File {
    fn new(name: &'static str, header: &str, bom: bool, crlf: bool) -> File {
        let end = if crlf { "\r\n" } else { "\n" };
        File {
            name,
            text: format!("{}{header}{end}", if bom { "\u{feff}" } else { "" }),
            line: 2,
            crlf,
        }
    }

    /// Appends a row; answers the line it starts on.
    fn row(&mut self, cells: &[&str]) -> i64 {
        let line = self.line;
        let row: Vec<String> = cells.iter().map(|cell| quote(cell)).collect();
        let row = row.join(",");
        self.line += 1 + row.matches('\n').count() as i64;
        self.text.push_str(&row);
        self.text.push_str(if self.crlf { "\r\n" } else { "\n" });
        line
    }

    /// Appends a line as it is (a defect the writer would not make); answers its line.
    fn raw_line(&mut self, text: &str) -> i64 {
        let line = self.line;
        self.line += 1;
        self.text.push_str(text);
        self.text.push_str(if self.crlf { "\r\n" } else { "\n" });
        line
    }
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// What a written drop holds.
pub struct WrittenDrop {
    pub expected_rejections: BTreeSet<Expected>,
    pub valid_runs: usize,
    pub valid_steps: usize,
    pub valid_prospects: usize,
    pub valid_events: usize,
}

const PRODUCTS: [(&str, &[(&str, &str)]); 2] = [
    (
        "SUB_CARD",
        &[
            ("IDENTITY", "FRONT"),
            ("SCORING", "SCORING"),
            ("SIGN", "FRONT"),
        ],
    ),
    ("SUB_LOAN", &[("IDENTITY", "FRONT"), ("OFFER", "SCORING")]),
];

const PROBES: [(&str, &str, &str); 2] = [
    ("P_CARD_WEB", "SUB_CARD", "web"),
    ("P_LOAN_APP", "SUB_LOAN", "mobile"),
];

/// Postal codes of the prospects, in turn (99999 is unknown to the geography service,
/// 00666 makes it fail).
pub const POSTAL_CODES: [&str; 5] = ["75001", "69001", "13001", "99999", "00666"];

/// Writes the drop into `folder`; `defects` adds the known bad rows.
pub fn write_drop(folder: &Path, defects: bool) -> std::io::Result<WrittenDrop> {
    let mut expected = BTreeSet::new();
    let mut reject = |file: &str, line: i64, column: &str, rule: &str| {
        expected.insert((file.to_string(), line, column.to_string(), rule.to_string()));
    };

    let mut products = File::new("products", "product_code,label,active", true, false);
    products.row(&["SUB_CARD", "Carte bancaire", "true"]);
    products.row(&["SUB_LOAN", "Prêt personnel, en ligne", "true"]);

    let mut services = File::new(
        "services",
        "service_code,label,kind,owner_team",
        false,
        true,
    );
    services.row(&["FRONT", "Parcours web", "internal", "Digital"]);
    services.row(&["SCORING", "Scoring crédit", "partner", "Risque, scoring"]);

    let mut steps_ref = File::new(
        "journey_steps",
        "product_code,step_code,position,label,service_code",
        false,
        false,
    );
    for (product, steps) in PRODUCTS {
        for (index, (step, service)) in steps.iter().enumerate() {
            steps_ref.row(&[product, step, &(index + 1).to_string(), step, service]);
        }
    }

    let mut probes = File::new(
        "probes",
        "probe_code,label,product_code,channel,environment,interval_s,enabled",
        false,
        false,
    );
    for (probe, product, channel) in PROBES {
        probes.row(&[probe, probe, product, channel, "prod", "300", "true"]);
    }

    let mut errors = File::new(
        "error_codes",
        "error_code,label,category,service_code",
        false,
        false,
    );
    errors.row(&["E_TIMEOUT", "Délai dépassé", "technical", "FRONT"]);
    errors.row(&["E_SCORING", "Refus du partenaire", "partner", "SCORING"]);

    let mut windows = File::new(
        "maintenance_windows",
        "window_id,scope,scope_code,starts_at,ends_at,reason",
        false,
        false,
    );
    windows.row(&[
        "W_LOAN_UPGRADE",
        "product",
        "SUB_LOAN",
        "2026-11-20T02:00:00+01:00",
        "2026-11-20T03:00:00+01:00",
        "montée de version",
    ]);

    let mut runs = File::new(
        "probe_runs",
        "run_id,probe_code,started_at,duration_ms,status,failed_step_code,error_code,error_message,agent",
        false,
        false,
    );
    let mut steps = File::new(
        "probe_steps",
        "run_id,step_code,position,started_at,duration_ms,status,http_status,error_code,message",
        false,
        false,
    );
    let (mut valid_runs, mut valid_steps) = (0, 0);
    for (probe, product, _) in PROBES {
        let journey = PRODUCTS
            .iter()
            .find(|(code, _)| *code == product)
            .map(|(_, steps)| *steps)
            .unwrap_or_default();
        for slot in 0..288 {
            let minute = slot * 5;
            let started = format!("2026-11-20T{:02}:{:02}:00+01:00", minute / 60, minute % 60);
            let run_id = format!("{probe}-{slot:03}");
            // A partner outage from 10:00 to 10:30 on the card journey.
            let failed = product == "SUB_CARD" && (120..126).contains(&slot);
            let duration = 1_000 + (slot * 37 % 900);
            let (status, failed_step, error, message) = if failed {
                (
                    "KO",
                    "SCORING",
                    "E_SCORING",
                    "partner said: \"no\", then\nclosed",
                )
            } else {
                ("OK", "", "", "")
            };
            runs.row(&[
                &run_id,
                probe,
                &started,
                &duration.to_string(),
                status,
                failed_step,
                error,
                message,
                "agent-1",
            ]);
            valid_runs += 1;
            for (index, (step, _)) in journey.iter().enumerate() {
                let step_status = if failed && *step == "SCORING" {
                    "KO"
                } else {
                    "OK"
                };
                steps.row(&[
                    &run_id,
                    step,
                    &(index + 1).to_string(),
                    &started,
                    &(duration / journey.len() as i64).to_string(),
                    step_status,
                    "200",
                    if step_status == "KO" { "E_SCORING" } else { "" },
                    "",
                ]);
                valid_steps += 1;
            }
        }
    }

    let mut prospects = File::new(
        "prospects",
        "prospect_id,first_name,last_name,email,phone,birth_date,postal_code,created_at,contact_consent",
        false,
        false,
    );
    let mut events = File::new(
        "journey_events",
        "event_id,occurred_at,product_code,step_code,journey_id,prospect_id,outcome,error_code,channel,application",
        false,
        false,
    );
    let (mut valid_prospects, mut valid_events) = (0, 0);
    for index in 0..20 {
        let prospect_id = format!("PR{index:04}");
        let (first, last, email) = if index == 0 {
            (
                SECRET_NAMES[0].to_string(),
                SECRET_NAMES[1].to_string(),
                SECRET_NAMES[2].to_string(),
            )
        } else {
            (
                format!("Prénom{index}"),
                format!("Nom{index}"),
                format!("prospect{index}@example.org"),
            )
        };
        prospects.row(&[
            &prospect_id,
            &first,
            &last,
            &email,
            "06 12 34 56 78",
            "1990-04-01",
            POSTAL_CODES[index % POSTAL_CODES.len()],
            "2026-11-20T10:01:00+01:00",
            "true",
        ]);
        valid_prospects += 1;
        let outcome = if index % 4 == 0 {
            "FAILED"
        } else {
            "COMPLETED"
        };
        events.row(&[
            &format!("EV{index:04}"),
            "2026-11-20T10:05:00+01:00",
            "SUB_CARD",
            "SCORING",
            &format!("J{index:04}"),
            &prospect_id,
            outcome,
            if outcome == "FAILED" { "E_SCORING" } else { "" },
            "web",
            "site",
        ]);
        valid_events += 1;
        if defects && index == 10 {
            // A stray quote: the record it opens runs to the end of the file, and only
            // its own line is rejected; the events after it are read.
            let line = events.raw_line(
                "EV8888,2026-11-20T10:05:00+01:00,SUB_CARD,SCORING,J8888,PR0001,\"COMPLETED,,web,site",
            );
            reject("journey_events", line, "", "format");
        }
    }

    if defects {
        let line = runs.row(&[
            "BAD-1",
            "",
            "2026-11-20T11:00:00+01:00",
            "900",
            "OK",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "probe_code", "mandatory");
        let line = runs.row(&[
            "BAD-2",
            "P_CARD_WEB",
            "2026-11-20T11:00:00+01:00",
            "900",
            "MAYBE",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "status", "enum");
        let line = runs.row(&[
            "BAD-3",
            "P_CARD_WEB",
            "2026-13-45T99:00:00Z",
            "900",
            "OK",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "started_at", "timestamp");
        let line = runs.row(&[
            "BAD-4",
            "P_UNKNOWN",
            "2026-11-20T11:00:00+01:00",
            "900",
            "OK",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "probe_code", "unknown_reference");
        let line = runs.row(&[
            "BAD-5",
            "P_CARD_WEB",
            "2031-01-01T00:00:00Z",
            "900",
            "OK",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "started_at", "future");
        let line = runs.row(&[
            "P_CARD_WEB-000",
            "P_CARD_WEB",
            "2026-11-20T00:00:00+01:00",
            "5",
            "OK",
            "",
            "",
            "",
            "",
        ]);
        reject("probe_runs", line, "run_id", "duplicate_key");
        let line = steps.row(&[
            "P_LOAN_APP-010",
            "SIGN",
            "3",
            "2026-11-20T00:50:00+01:00",
            "10",
            "OK",
            "200",
            "",
            "",
        ]);
        reject("probe_steps", line, "step_code", "step_not_in_journey");
        let line = steps.row(&[
            "BAD-4",
            "IDENTITY",
            "1",
            "2026-11-20T11:00:00+01:00",
            "10",
            "OK",
            "200",
            "",
            "",
        ]);
        reject("probe_steps", line, "run_id", "unknown_reference");
        let line = prospects.row(&[
            "PR9999",
            "Jean",
            "Dupont",
            "not-an-email",
            "",
            "",
            "75001",
            "2026-11-20T10:00:00+01:00",
            "false",
        ]);
        reject("prospects", line, "email", "type");
        let line = events.row(&[
            "EV9999",
            "2026-11-20T10:00:00+01:00",
            "SUB_CARD",
            "SCORING",
            "J9999",
            "",
            "LOST",
            "",
            "web",
            "",
        ]);
        reject("journey_events", line, "outcome", "enum");
    }

    for file in [
        products, services, steps_ref, probes, errors, windows, runs, steps, prospects, events,
    ] {
        std::fs::write(folder.join(format!("{}_{DATE}.csv", file.name)), file.text)?;
    }
    Ok(WrittenDrop {
        expected_rejections: expected,
        valid_runs,
        valid_steps,
        valid_prospects,
        valid_events,
    })
}
