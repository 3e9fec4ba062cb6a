//! The `apis` section: base URLs of Notion, UniFi Site Manager and NinjaOne,
//! and the rule that plain `http` is for loopback only.

use std::net::IpAddr;

use reqwest::Url;

use super::error::Problem;

/// Default Notion API base URL.
pub const DEFAULT_NOTION_URL: &str = "https://api.notion.com";
/// Default UniFi Site Manager API base URL.
pub const DEFAULT_UNIFI_URL: &str = "https://api.ui.com";

/// A NinjaOne instance (a tenant lives on exactly one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NinjaoneRegion {
    /// `app` (also written `us`): `https://app.ninjarmm.com`.
    App,
    /// `us2` (default): `https://us2.ninjarmm.com`.
    #[default]
    Us2,
    /// `eu`: `https://eu.ninjarmm.com`.
    Eu,
    /// `ca`: `https://ca.ninjarmm.com`.
    Ca,
    /// `oc` (Oceania): `https://oc.ninjarmm.com`.
    Oc,
    /// `fed` (FedRAMP): `https://fed.ninjarmm.com`.
    Fed,
}

impl NinjaoneRegion {
    /// Every region.
    pub const ALL: [NinjaoneRegion; 6] = [
        NinjaoneRegion::App,
        NinjaoneRegion::Us2,
        NinjaoneRegion::Eu,
        NinjaoneRegion::Ca,
        NinjaoneRegion::Oc,
        NinjaoneRegion::Fed,
    ];

    /// The region key, which is also the host's first label.
    pub fn key(self) -> &'static str {
        match self {
            NinjaoneRegion::App => "app",
            NinjaoneRegion::Us2 => "us2",
            NinjaoneRegion::Eu => "eu",
            NinjaoneRegion::Ca => "ca",
            NinjaoneRegion::Oc => "oc",
            NinjaoneRegion::Fed => "fed",
        }
    }

    /// The region for a key, any case; `us` is another name for `app`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        if text == "us" {
            return Some(NinjaoneRegion::App);
        }
        Self::ALL.into_iter().find(|region| region.key() == text)
    }

    /// The instance's base URL, `https://<key>.ninjarmm.com/`.
    pub fn base_url(self) -> Url {
        let text = format!("https://{}.ninjarmm.com", self.key());
        Url::parse(&text).expect("invariant: a region key makes a valid host name")
    }
}

/// The `apis` section, resolved: one base URL per API.
///
/// File keys: `notion` (default `https://api.notion.com`), `unifi` (default
/// `https://api.ui.com`), `ninjaone_region` (default `us2`) and `ninjaone` (a
/// full base URL, default `null`; when given it wins over the region). Each URL
/// must be `https`, or `http` to a loopback host; it may carry a path prefix
/// (a proxy) but no credentials, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrls {
    /// Notion API base URL.
    pub notion: Url,
    /// UniFi Site Manager API base URL.
    pub unifi: Url,
    /// NinjaOne base URL: the override, else the region's URL. OAuth tokens
    /// come from `<this>/ws/oauth/token`, API calls go to `<this>/v2/...`.
    pub ninjaone: Url,
    /// The region [`ApiUrls::ninjaone`] came from; `None` when it is an
    /// explicit URL.
    pub ninjaone_region: Option<NinjaoneRegion>,
}

impl Default for ApiUrls {
    fn default() -> Self {
        let region = NinjaoneRegion::default();
        Self {
            notion: Url::parse(DEFAULT_NOTION_URL).expect("invariant: a valid constant URL"),
            unifi: Url::parse(DEFAULT_UNIFI_URL).expect("invariant: a valid constant URL"),
            ninjaone: region.base_url(),
            ninjaone_region: Some(region),
        }
    }
}

/// Checks a base URL. On failure the second value of the error is the text
/// that may be shown: the URL itself, or `<redacted>` when it carries
/// credentials.
pub(super) fn parse_base_url(text: &str) -> Result<Url, (Problem, String)> {
    let shown = || text.to_owned();
    let url = Url::parse(text.trim()).map_err(|error| {
        // The parser's error never repeats the input, but the input itself may
        // hold `user:password@`; show it only when it has no `@`.
        let shown = if text.contains('@') {
            "<redacted>".to_owned()
        } else {
            shown()
        };
        (
            Problem::Url {
                reason: error.to_string(),
            },
            shown,
        )
    })?;

    if !url.username().is_empty() || url.password().is_some() {
        return Err((Problem::UrlCredentials, "<redacted>".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err((Problem::UrlQuery, shown()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err((Problem::PlainHttp, shown())),
        _ => Err((Problem::Scheme, shown())),
    }
}

/// Whether the URL's host is `localhost`, in 127.0.0.0/8, or `::1`.
fn is_loopback(url: &Url) -> bool {
    // `host_str` writes an IPv6 address in brackets.
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_resolve_to_their_hosts() {
        assert_eq!(NinjaoneRegion::parse("us"), Some(NinjaoneRegion::App));
        assert_eq!(NinjaoneRegion::parse("EU"), Some(NinjaoneRegion::Eu));
        assert_eq!(NinjaoneRegion::parse("mars"), None);
        assert_eq!(
            NinjaoneRegion::Fed.base_url().as_str(),
            "https://fed.ninjarmm.com/"
        );
        assert_eq!(NinjaoneRegion::default(), NinjaoneRegion::Us2);
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://api.notion.com",
            "http://127.0.0.1:8089",
            "http://127.9.9.9/prefix",
            "http://localhost:3000",
            "http://[::1]:9000",
        ] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        for bad in ["http://api.notion.com", "http://10.0.0.1", "http://[::2]"] {
            assert_eq!(
                parse_base_url(bad).map_err(|e| e.0),
                Err(Problem::PlainHttp),
                "{bad}"
            );
        }
        assert_eq!(
            parse_base_url("ftp://x.com").map_err(|e| e.0),
            Err(Problem::Scheme)
        );
        assert_eq!(
            parse_base_url("https://x.com/?a=1").map_err(|e| e.0),
            Err(Problem::UrlQuery)
        );
    }

    #[test]
    fn credentials_in_a_url_are_never_shown() {
        let refused = parse_base_url("https://user:hunter2@api.notion.com");
        assert_eq!(
            refused,
            Err((Problem::UrlCredentials, "<redacted>".to_owned()))
        );
    }
}
