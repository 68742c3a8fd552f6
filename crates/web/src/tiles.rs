//! The map's tile server. Tiles are the one thing pages load from elsewhere,
//! so the security policy names the server's origin.

/// Where map tiles come from and the credit the server requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiles {
    /// A Leaflet URL template: `{z}`, `{x}`, `{y}`, optionally `{s}`.
    pub url: String,
    /// Empty: OpenStreetMap's credit, in the page's language.
    pub attribution: String,
}

impl Default for Tiles {
    fn default() -> Self {
        Self {
            url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            attribution: String::new(),
        }
    }
}

impl Tiles {
    /// Checks the template: an http(s) URL with `{z}`, `{x}` and `{y}`.
    pub fn new(url: &str, attribution: &str) -> Result<Self, String> {
        let url = url.trim();
        if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
            return Err(format!("{url:?} lacks {{z}}, {{x}} or {{y}}"));
        }
        let parsed = url::Url::parse(&url.replace("{s}", "a")).map_err(|e| e.to_string())?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
            return Err(format!("{url:?} is not an http(s) address"));
        }
        Ok(Self {
            url: url.to_owned(),
            attribution: attribution.trim().to_owned(),
        })
    }

    /// The origin to allow images from, `{s}` subdomains as a wildcard.
    pub fn origin(&self) -> String {
        let rest = self.url.split_once("://").map_or("", |(_, rest)| rest);
        let scheme = self.url.split_once("://").map_or("https", |(s, _)| s);
        let host = rest.split('/').next().unwrap_or_default();
        format!("{scheme}://{}", host.replace("{s}", "*"))
    }
}

#[cfg(test)]
mod tests {
    use super::Tiles;

    #[test]
    fn the_policy_allows_the_tile_servers_origin_only() {
        assert_eq!(Tiles::default().origin(), "https://tile.openstreetmap.org");
        let sub = Tiles::new("https://{s}.tiles.example:8443/osm/{z}/{x}/{y}.png", "").unwrap();
        assert_eq!(sub.origin(), "https://*.tiles.example:8443");
    }

    #[test]
    fn a_template_without_its_placeholders_or_scheme_is_refused() {
        assert!(Tiles::new("https://tiles.example/{z}/{x}.png", "").is_err());
        assert!(Tiles::new("ftp://tiles.example/{z}/{x}/{y}.png", "").is_err());
        assert!(Tiles::new("tiles.example/{z}/{x}/{y}.png", "").is_err());
    }
}
