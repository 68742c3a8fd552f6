//! Kinds of organisations that answer residents.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Ministry,
    Municipality,
    Department,
    HousingCompany,
    Utility,
    WasteOperator,
    School,
    Clinic,
    Other,
}

impl OrganisationKind {
    pub const ALL: [Self; 9] = [
        Self::Ministry,
        Self::Municipality,
        Self::Department,
        Self::HousingCompany,
        Self::Utility,
        Self::WasteOperator,
        Self::School,
        Self::Clinic,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::Municipality => "municipality",
            Self::Department => "department",
            Self::HousingCompany => "housing_company",
            Self::Utility => "utility",
            Self::WasteOperator => "waste_operator",
            Self::School => "school",
            Self::Clinic => "clinic",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Ministry => "Орган власти региона",
            Self::Municipality => "Орган местного самоуправления",
            Self::Department => "Структурное подразделение",
            Self::HousingCompany => "Управляющая компания",
            Self::Utility => "Ресурсоснабжающая организация",
            Self::WasteOperator => "Региональный оператор по обращению с отходами",
            Self::School => "Школа",
            Self::Clinic => "Медицинская организация",
            Self::Other => "Другая организация",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Ministry => "Regional authority",
            Self::Municipality => "Local government",
            Self::Department => "Department",
            Self::HousingCompany => "Housing management company",
            Self::Utility => "Utility",
            Self::WasteOperator => "Waste operator",
            Self::School => "School",
            Self::Clinic => "Clinic",
            Self::Other => "Other organisation",
        }
    }
}

/// Staff roles; each is held within one organisation (and, where granted, its
/// subtree), except the platform administrator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Operator,
    Executor,
    Head,
    Moderator,
    Analyst,
    OrgAdmin,
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Self; 8] = [
        Self::Resident,
        Self::Operator,
        Self::Executor,
        Self::Head,
        Self::Moderator,
        Self::Analyst,
        Self::OrgAdmin,
        Self::PlatformAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Operator => "operator",
            Self::Executor => "executor",
            Self::Head => "head",
            Self::Moderator => "moderator",
            Self::Analyst => "analyst",
            Self::OrgAdmin => "org_admin",
            Self::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Staff roles are tied to an organisation; the resident and the platform
    /// administrator are not.
    pub fn needs_organisation(self) -> bool {
        !matches!(self, Self::Resident | Self::PlatformAdmin)
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Resident => "Житель",
            Self::Operator => "Оператор",
            Self::Executor => "Исполнитель",
            Self::Head => "Руководитель",
            Self::Moderator => "Модератор",
            Self::Analyst => "Аналитик",
            Self::OrgAdmin => "Администратор организации",
            Self::PlatformAdmin => "Администратор платформы",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Resident => "Resident",
            Self::Operator => "Operator",
            Self::Executor => "Executor",
            Self::Head => "Head",
            Self::Moderator => "Moderator",
            Self::Analyst => "Analyst",
            Self::OrgAdmin => "Organisation administrator",
            Self::PlatformAdmin => "Platform administrator",
        }
    }
}
