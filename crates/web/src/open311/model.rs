//! GeoReport v2 documents as the specification shapes them. JSON lists are
//! plain arrays; XML wraps each list in an element named for the list and
//! each item in one named for the item: [`Listed`] does that for a list of
//! [`Item`]s, and documents with lists inside have XML twins in [`xml`].

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A document that XML lists under an element of its own name.
pub trait Item {
    /// The element of one item: `service` in `<services>`.
    const TAG: &'static str;
}

/// A list as XML writes it: the root (named by the caller) holds one
/// element per item, named [`Item::TAG`].
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T>(pub Vec<T>);

impl<T: Item + Serialize> Serialize for Listed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut root = serializer.serialize_struct("Listed", 1)?;
        root.serialize_field(T::TAG, &self.0)?;
        root.end()
    }
}

impl<'de, T: Item + Deserialize<'de>> Deserialize<'de> for Listed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T>(PhantomData<T>);
        impl<'de, T: Item + Deserialize<'de>> Visitor<'de> for Items<T> {
            type Value = Listed<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a list of <{}> elements", T::TAG)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == T::TAG {
                        items.extend(map.next_value::<Vec<T>>()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(Listed(items))
            }
        }
        deserializer.deserialize_struct("Listed", const { &[T::TAG] }, Items(PhantomData))
    }
}

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

impl Item for Service {
    const TAG: &'static str = "service";
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

impl Item for Error {
    const TAG: &'static str = "error";
}

/// A service request as anyone may read it: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// `open` or `closed`; the platform's own status is in `status_notes`.
    pub status: String,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub status_notes: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub service_name: Option<String>,
    pub service_code: String,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub agency_responsible: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub updated_datetime: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub expected_datetime: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub address_id: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub zipcode: Option<String>,
    #[serde(default, deserialize_with = "number_or_blank")]
    pub lat: Option<f64>,
    #[serde(default, deserialize_with = "number_or_blank")]
    pub long: Option<f64>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub media_url: Option<String>,
}

impl Item for ServiceRequest {
    const TAG: &'static str = "request";
}

/// What a POST returns, and what a token resolves to: the request's id
/// (or, when it is not known yet, a token to ask about it later).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_notice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

impl Item for Receipt {
    const TAG: &'static str = "request";
}

/// One public change of a request, in the update feed
/// (`servicerequestupdates`, FixMyStreet's extension).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestUpdate {
    pub update_id: String,
    pub service_request_id: String,
    pub status: String,
    pub updated_datetime: String,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text_or_blank")]
    pub media_url: Option<String>,
}

impl Item for RequestUpdate {
    const TAG: &'static str = "request_update";
}

/// XML writes an absent text as an empty element: none, as JSON's null.
fn text_or_blank<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|t| !t.trim().is_empty()))
}

/// A coordinate: a number in JSON, a text (perhaps empty) in XML.
fn number_or_blank<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Clone, Copy)]
    struct Coordinate;
    impl<'de> Visitor<'de> for Coordinate {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number, or nothing")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse().map(Some).map_err(E::custom)
        }
        /// quick-xml hands an element over as a map of its text.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some((_, text)) = map.next_entry::<String, String>()? {
                found = self.visit_str(&text)?;
            }
            Ok(found)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    deserializer.deserialize_option(Coordinate)
}

/// The XML shapes: lists wrapped, items named.
pub mod xml {
    use serde::{Deserialize, Serialize};

    use super::{AttributeValue, Endpoint};

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
