//! The demo's French catalogue: products, journeys, services, probes and error codes.

use super::scenario::Scenario;
use crate::storage::reference::{Catalog, ErrorCode, JourneyStep, Probe, Product, Service};
use app::domain::catalog::{ErrorCategory, ServiceKind};

/// A journey step: code, label, service, typical duration in ms.
pub struct StepDef {
    pub code: &'static str,
    pub label: &'static str,
    pub service: &'static str,
    pub typical_ms: f64,
    /// Error raised when this step fails for an ordinary reason.
    pub usual_error: &'static str,
}

pub struct ProductDef {
    pub code: &'static str,
    pub label: &'static str,
    pub steps: &'static [StepDef],
    /// Journeys started by real prospects on a weekday, per day.
    pub daily_journeys: u32,
}

const fn step(
    code: &'static str,
    label: &'static str,
    service: &'static str,
    typical_ms: f64,
    usual_error: &'static str,
) -> StepDef {
    StepDef {
        code,
        label,
        service,
        typical_ms,
        usual_error,
    }
}

const LANDING: StepDef = step(
    "LANDING",
    "Page d'accueil du parcours",
    "WEB_FRONT",
    900.0,
    "FRONT_HTTP_500",
);
const OFFER: StepDef = step(
    "OFFER",
    "Choix de l'offre",
    "PRICING",
    1_400.0,
    "PRICING_UNAVAILABLE",
);
const FORM: StepDef = step(
    "FORM",
    "Formulaire d'identité",
    "SUBSCRIPTION_API",
    2_600.0,
    "FORM_VALIDATION",
);
const IDENTITY: StepDef = step(
    "IDENTITY",
    "Vérification d'identité",
    "IDV_PARTNER",
    4_200.0,
    "IDV_TIMEOUT",
);
const DOCUMENTS: StepDef = step(
    "DOCUMENTS",
    "Dépôt des justificatifs",
    "DOC_STORE",
    3_100.0,
    "DOC_UPLOAD_FAILED",
);
const RISK: StepDef = step(
    "RISK_PROFILE",
    "Profil investisseur",
    "SUBSCRIPTION_API",
    1_800.0,
    "FORM_VALIDATION",
);
const BENEFICIARY: StepDef = step(
    "BENEFICIARY",
    "Clause bénéficiaire",
    "SUBSCRIPTION_API",
    1_500.0,
    "FORM_VALIDATION",
);
const SIMULATION: StepDef = step(
    "SIMULATION",
    "Simulation du crédit",
    "PRICING",
    1_700.0,
    "PRICING_UNAVAILABLE",
);
const SCORING: StepDef = step(
    "SCORING",
    "Étude du dossier",
    "SCORING_ENGINE",
    3_500.0,
    "SCORING_KO",
);
const SIGNATURE: StepDef = step(
    "SIGNATURE",
    "Signature électronique",
    "ESIGN_PARTNER",
    5_200.0,
    "ESIGN_TIMEOUT",
);
const ACCOUNT: StepDef = step(
    "ACCOUNT",
    "Ouverture du compte",
    "CORE_BANKING",
    1_900.0,
    "CORE_ACCOUNT_KO",
);

pub const PRODUCTS: &[ProductDef] = &[
    ProductDef {
        code: "CCO",
        label: "Compte courant",
        steps: &[
            LANDING, OFFER, FORM, IDENTITY, DOCUMENTS, SIGNATURE, ACCOUNT,
        ],
        daily_journeys: 60,
    },
    ProductDef {
        code: "LIVRET",
        label: "Livret d'épargne",
        steps: &[LANDING, FORM, IDENTITY, DOCUMENTS, SIGNATURE, ACCOUNT],
        daily_journeys: 45,
    },
    ProductDef {
        code: "ASSVIE",
        label: "Assurance vie",
        steps: &[
            LANDING,
            FORM,
            RISK,
            IDENTITY,
            DOCUMENTS,
            BENEFICIARY,
            SIGNATURE,
            ACCOUNT,
        ],
        daily_journeys: 25,
    },
    ProductDef {
        code: "PEA",
        label: "Plan d'épargne en actions",
        steps: &[LANDING, FORM, RISK, IDENTITY, DOCUMENTS, SIGNATURE, ACCOUNT],
        daily_journeys: 20,
    },
    ProductDef {
        code: "CARTE",
        label: "Carte bancaire",
        steps: &[LANDING, OFFER, FORM, IDENTITY, SIGNATURE, ACCOUNT],
        daily_journeys: 35,
    },
    ProductDef {
        code: "CREDIT",
        label: "Crédit à la consommation",
        steps: &[
            LANDING, SIMULATION, FORM, IDENTITY, DOCUMENTS, SCORING, SIGNATURE, ACCOUNT,
        ],
        daily_journeys: 30,
    },
];

pub struct ProbeDef {
    pub code: String,
    pub product: &'static ProductDef,
    pub channel: &'static str,
    pub environment: &'static str,
}

impl ProbeDef {
    pub fn label(&self) -> String {
        let channel = match self.channel {
            "mobile" => "Mobile",
            "api" => "API",
            _ => "Web",
        };
        let environment = if self.environment == "prod" {
            "production"
        } else {
            "recette"
        };
        format!("{} — {channel} ({environment})", self.product.label)
    }
}

/// 20 probes: web and mobile in production for every product, web in recette for every
/// product, and mobile in recette for the current account and the savings book.
pub fn probes() -> Vec<ProbeDef> {
    let mut probes = Vec::new();
    for product in PRODUCTS {
        let mut add = |channel: &'static str, environment: &'static str| {
            let short_channel = if channel == "mobile" { "MOB" } else { "WEB" };
            let short_env = if environment == "prod" { "PROD" } else { "REC" };
            probes.push(ProbeDef {
                code: format!("PRB_{}_{short_channel}_{short_env}", product.code),
                product,
                channel,
                environment,
            });
        };
        add("web", "prod");
        add("mobile", "prod");
        add("web", "recette");
        if matches!(product.code, "CCO" | "LIVRET") {
            add("mobile", "recette");
        }
    }
    probes
}

const SERVICES: &[(&str, &str, ServiceKind, &str)] = &[
    (
        "WEB_FRONT",
        "Portail web de souscription",
        ServiceKind::Internal,
        "Équipe Front",
    ),
    (
        "PRICING",
        "Moteur de tarification",
        ServiceKind::Internal,
        "Équipe Offres",
    ),
    (
        "SUBSCRIPTION_API",
        "API de souscription",
        ServiceKind::Internal,
        "Équipe Souscription",
    ),
    (
        "IDV_PARTNER",
        "Vérification d'identité (prestataire)",
        ServiceKind::Partner,
        "Prestataire IDV",
    ),
    (
        "DOC_STORE",
        "Gestion électronique des documents",
        ServiceKind::Internal,
        "Équipe GED",
    ),
    (
        "SCORING_ENGINE",
        "Moteur d'octroi",
        ServiceKind::Internal,
        "Équipe Risques",
    ),
    (
        "ESIGN_PARTNER",
        "Signature électronique (prestataire)",
        ServiceKind::Partner,
        "Prestataire signature",
    ),
    (
        "CORE_BANKING",
        "Cœur bancaire",
        ServiceKind::Internal,
        "Équipe Cœur bancaire",
    ),
];

pub const ERROR_CODES: &[(&str, &str, ErrorCategory, &str)] = &[
    (
        "FRONT_HTTP_500",
        "Erreur serveur du portail web",
        ErrorCategory::Technical,
        "WEB_FRONT",
    ),
    (
        "PRICING_UNAVAILABLE",
        "Tarification indisponible",
        ErrorCategory::Technical,
        "PRICING",
    ),
    (
        "FORM_VALIDATION",
        "Formulaire refusé par l'API de souscription",
        ErrorCategory::Functional,
        "SUBSCRIPTION_API",
    ),
    (
        "IDV_TIMEOUT",
        "Délai dépassé chez le prestataire de vérification d'identité",
        ErrorCategory::Partner,
        "IDV_PARTNER",
    ),
    (
        "IDV_REJECTED",
        "Pièce d'identité refusée par le prestataire",
        ErrorCategory::Functional,
        "IDV_PARTNER",
    ),
    (
        "DOC_UPLOAD_FAILED",
        "Échec du dépôt de justificatif",
        ErrorCategory::Technical,
        "DOC_STORE",
    ),
    (
        "SCORING_KO",
        "Moteur d'octroi en erreur",
        ErrorCategory::Technical,
        "SCORING_ENGINE",
    ),
    (
        "ESIGN_503",
        "Service de signature électronique indisponible",
        ErrorCategory::Partner,
        "ESIGN_PARTNER",
    ),
    (
        "ESIGN_TIMEOUT",
        "Délai dépassé chez le prestataire de signature",
        ErrorCategory::Partner,
        "ESIGN_PARTNER",
    ),
    (
        "CORE_ACCOUNT_KO",
        "Échec de création du compte dans le cœur bancaire",
        ErrorCategory::Technical,
        "CORE_BANKING",
    ),
    (
        "TECH_TIMEOUT",
        "Délai global du parcours dépassé",
        ErrorCategory::Technical,
        "WEB_FRONT",
    ),
];

/// The whole demo catalogue, with the scenario's maintenance windows.
pub fn catalog(scenario: &Scenario) -> Catalog {
    Catalog {
        products: PRODUCTS
            .iter()
            .map(|product| Product {
                product_code: product.code.into(),
                label: product.label.into(),
                active: true,
            })
            .collect(),
        services: SERVICES
            .iter()
            .map(|(code, label, kind, team)| Service {
                service_code: (*code).into(),
                label: (*label).into(),
                kind: *kind,
                owner_team: Some((*team).into()),
            })
            .collect(),
        journey_steps: PRODUCTS
            .iter()
            .flat_map(|product| {
                product
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(index, step)| JourneyStep {
                        product_code: product.code.into(),
                        step_code: step.code.into(),
                        position: index as i64 + 1,
                        label: step.label.into(),
                        service_code: step.service.into(),
                    })
            })
            .collect(),
        probes: probes()
            .iter()
            .map(|probe| Probe {
                probe_code: probe.code.clone(),
                label: probe.label(),
                product_code: probe.product.code.into(),
                channel: probe.channel.into(),
                environment: probe.environment.into(),
                interval_s: super::probe_runs::INTERVAL_MS / 1000,
                enabled: true,
            })
            .collect(),
        error_codes: ERROR_CODES
            .iter()
            .map(|(code, label, category, service)| ErrorCode {
                error_code: (*code).into(),
                label: (*label).into(),
                category: *category,
                service_code: Some((*service).into()),
            })
            .collect(),
        maintenance_windows: scenario.maintenance_windows(),
    }
}
