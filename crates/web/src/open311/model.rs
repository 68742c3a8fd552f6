//! GeoReport v2 documents as the specification shapes them. JSON lists are
//! plain arrays; XML wraps each list in an element named for the list and
//! each item in one named for the item, so XML has its own wrapper types.

use serde::{Deserialize, Serialize};

/// A service: one topic of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the service definition has attributes to fill in.
    pub metadata: bool,
    /// `realtime`: a request is taken in at once and gets its id.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<Attribute>,
}

/// An extra field of a service's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub variable: bool,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datatype_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// Where the API is and what it speaks (`/open311/discovery.{json,xml}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

/// One error of an error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Error {
    pub code: u16,
    pub description: String,
}

/// The XML shapes: lists wrapped, items named.
pub mod xml {
    use serde::{Deserialize, Serialize};

    use super::{AttributeValue, Endpoint, Service};

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Services {
        #[serde(default)]
        pub service: Vec<Service>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct ServiceDefinition {
        pub service_code: String,
        pub attributes: Attributes,
    }

    #[derive(Debug, Default, Serialize, Deserialize)]
    pub struct Attributes {
        #[serde(default)]
        pub attribute: Vec<Attribute>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Attribute {
        pub variable: bool,
        pub code: String,
        pub datatype: String,
        pub required: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub datatype_description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub order: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
        #[serde(default)]
        pub values: Values,
    }

    #[derive(Debug, Default, Serialize, Deserialize)]
    pub struct Values {
        #[serde(default)]
        pub value: Vec<AttributeValue>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Discovery {
        pub changeset: String,
        pub contact: String,
        pub key_service: String,
        pub endpoints: Endpoints,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Endpoints {
        #[serde(default)]
        pub endpoint: Vec<XmlEndpoint>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct XmlEndpoint {
        pub specification: String,
        pub url: String,
        pub changeset: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub formats: Formats,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Formats {
        #[serde(default)]
        pub format: Vec<String>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Errors {
        #[serde(default)]
        pub error: Vec<super::Error>,
    }

    impl From<&super::Discovery> for Discovery {
        fn from(d: &super::Discovery) -> Self {
            Self {
                changeset: d.changeset.clone(),
                contact: d.contact.clone(),
                key_service: d.key_service.clone(),
                endpoints: Endpoints {
                    endpoint: d.endpoints.iter().map(XmlEndpoint::from).collect(),
                },
            }
        }
    }

    impl From<&Endpoint> for XmlEndpoint {
        fn from(e: &Endpoint) -> Self {
            Self {
                specification: e.specification.clone(),
                url: e.url.clone(),
                changeset: e.changeset.clone(),
                kind: e.kind.clone(),
                formats: Formats {
                    format: e.formats.clone(),
                },
            }
        }
    }

    impl From<&super::ServiceDefinition> for ServiceDefinition {
        fn from(d: &super::ServiceDefinition) -> Self {
            Self {
                service_code: d.service_code.clone(),
                attributes: Attributes {
                    attribute: d
                        .attributes
                        .iter()
                        .map(|a| Attribute {
                            variable: a.variable,
                            code: a.code.clone(),
                            datatype: a.datatype.clone(),
                            required: a.required,
                            datatype_description: a.datatype_description.clone(),
                            order: a.order,
                            description: a.description.clone(),
                            values: Values {
                                value: a.values.clone(),
                            },
                        })
                        .collect(),
                },
            }
        }
    }
}
