//! Invented names: customers, US states and their time zones, internet providers and the MSP's
//! technicians.
//!
//! Every name here is made up from generic words and common surnames, so that no generated
//! customer is a real company. The 14 states are the options of the Customer Status Board's
//! `State` property (`shared/api/ORIGINAL_SYSTEM.md` §2.1): each generated site name ends in
//! `" - <State>"` with one of them.

use crate::rng::Rng;

/// A US state the MSP serves, with the time zone most of its customers are in.
#[derive(Debug, Clone, Copy)]
pub struct State {
    /// Full name, as in the `State` select options.
    pub name: &'static str,
    /// IANA time zone of most of the state.
    pub timezone: &'static str,
    /// Standard-time UTC offset of that zone, in hours (metrics use it for the daily curve).
    pub utc_offset_hours: i64,
    /// Towns used for location names and addresses.
    pub towns: [&'static str; 3],
}

/// The 14 states of the Customer Status Board, in option order.
pub const STATES: [State; 14] = [
    state(
        "Alabama",
        "America/Chicago",
        -6,
        ["Huntsville", "Mobile", "Dothan"],
    ),
    state(
        "Arkansas",
        "America/Chicago",
        -6,
        ["Conway", "Fayetteville", "Jonesboro"],
    ),
    state(
        "Florida",
        "America/New_York",
        -5,
        ["Pensacola", "Ocala", "Lakeland"],
    ),
    state(
        "Georgia",
        "America/New_York",
        -5,
        ["Macon", "Valdosta", "Athens"],
    ),
    state(
        "Kentucky",
        "America/New_York",
        -5,
        ["Lexington", "Bowling Green", "Paducah"],
    ),
    state(
        "Louisiana",
        "America/Chicago",
        -6,
        ["Lafayette", "Shreveport", "Houma"],
    ),
    state(
        "Mississippi",
        "America/Chicago",
        -6,
        ["Tupelo", "Hattiesburg", "Biloxi"],
    ),
    state(
        "Missouri",
        "America/Chicago",
        -6,
        ["Springfield", "Joplin", "Columbia"],
    ),
    state(
        "North Carolina",
        "America/New_York",
        -5,
        ["Asheville", "Wilmington", "Greenville"],
    ),
    state(
        "Oklahoma",
        "America/Chicago",
        -6,
        ["Norman", "Lawton", "Stillwater"],
    ),
    state(
        "South Carolina",
        "America/New_York",
        -5,
        ["Greenville", "Florence", "Aiken"],
    ),
    state(
        "Tennessee",
        "America/Chicago",
        -6,
        ["Jackson", "Cookeville", "Clarksville"],
    ),
    state(
        "Texas",
        "America/Chicago",
        -6,
        ["Tyler", "Waco", "Amarillo"],
    ),
    state(
        "Virginia",
        "America/New_York",
        -5,
        ["Roanoke", "Lynchburg", "Harrisonburg"],
    ),
];

const fn state(
    name: &'static str,
    timezone: &'static str,
    utc_offset_hours: i64,
    towns: [&'static str; 3],
) -> State {
    State {
        name,
        timezone,
        utc_offset_hours,
        towns,
    }
}

/// The state called `name`, if it is one of the 14.
pub fn state_named(name: &str) -> Option<&'static State> {
    STATES.iter().find(|s| s.name == name)
}

/// What a customer does; decides its name pattern, legal suffix and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trade {
    /// Dental offices and orthodontists.
    Dental,
    /// Law firms.
    Law,
    /// Clinics, therapists, veterinarians.
    Clinic,
    /// Private schools and learning centres.
    School,
    /// Accountants and bookkeepers.
    Accounting,
    /// Everything else: title companies, agencies, churches, builders.
    Office,
}

/// A customer of the MSP: one UniFi site and one NinjaOne organization.
#[derive(Debug, Clone)]
pub struct Customer {
    /// Trading name, e.g. `Magnolia Family Dentistry`.
    pub name: String,
    /// Name as registered in NinjaOne: the trading name, sometimes with a legal suffix.
    pub legal_name: String,
    /// What the customer does.
    pub trade: Trade,
    /// Where the customer is.
    pub state: &'static State,
    /// Town of the main office.
    pub town: &'static str,
    /// Upper-case code used in device names, e.g. `MAGF`.
    pub code: String,
    /// Relative size: 1 (a few desks) to 4 (a busy practice with several floors).
    pub size: u32,
}

impl Customer {
    /// The label the MSP gives the customer's site: `"<name> - <State>"`.
    pub fn site_label(&self) -> String {
        format!("{} - {}", self.name, self.state.name)
    }

    /// A lower-case slug of the name, for host and DNS names.
    pub fn slug(&self) -> String {
        let mut slug = String::with_capacity(self.name.len());
        for c in self.name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.ends_with('-') && !slug.is_empty() {
                slug.push('-');
            }
        }
        slug.trim_end_matches('-').to_string()
    }
}

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "Magnolia", "Cypress", "Riverbend", "Oak Hollow", "Pine Ridge", "Bayou", "Cedar Creek",
    "Live Oak", "Red Hill", "Lakeside", "Stonebridge", "Willow Park", "Bluff City", "Sandhill",
    "Piedmont", "Tidewater", "Prairie View", "Holly Springs", "Clearwater", "Azalea", "Dogwood",
    "Sweetgum", "Mill Creek", "Laurel", "Briarwood", "Northgate", "Southfork", "Eastbrook",
    "Westmoor", "Harbor", "Canebrake", "Timberline", "Brookhaven", "Foxfield", "Crescent",
    "Heritage", "Summit", "Valley Forge", "Copper Lake", "Longleaf", "Palmetto", "Blue Ridge",
    "Ozark", "Chisholm", "Pecan Grove", "Redbud", "Sycamore", "Three Rivers",
];

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "Hale", "Ortiz", "Whitfield", "Brennan", "Okafor", "Lindqvist", "Marsh", "Delacroix", "Pruitt",
    "Castellanos", "Abernathy", "Nguyen", "Holloway", "Fairbanks", "Kessler", "Thibodeaux",
    "Ramsey", "Beaumont", "Calloway", "Dunmore", "Everly", "Garrison", "Hargrove", "Iverson",
    "Jessup", "Kinsey", "Lockhart", "Merritt", "Norwood", "Oakes", "Pemberton", "Quinlan",
    "Radcliffe", "Sutter", "Tolliver", "Underhill", "Vance", "Winslow", "Yates", "Zeller", "Ashby",
    "Bramlett", "Coker", "Dobbins", "Eubanks", "Fenwick", "Gaskins", "Haddad", "Patel", "Moreau",
    "Castillo", "Bishop", "Crowder", "Faulkner", "Greer",
];

/// Name patterns per trade: `{P}` is a place, `{S}` and `{T}` are surnames.
fn patterns(trade: Trade) -> &'static [&'static str] {
    match trade {
        Trade::Dental => &[
            "{P} Family Dentistry",
            "{P} Dental Care",
            "{S} Orthodontics",
            "{S} & {T} Dental",
            "{P} Pediatric Dentistry",
            "{P} Smiles",
        ],
        Trade::Law => &[
            "{S} & {T} Law",
            "{S} Law Group",
            "{S} Legal",
            "{S}, {T} & Associates",
            "{P} Law Office",
        ],
        Trade::Clinic => &[
            "{P} Family Clinic",
            "{P} Pediatrics",
            "{P} Medical Associates",
            "{P} Physical Therapy",
            "{P} Eye Care",
            "{P} Animal Hospital",
            "{P} Chiropractic",
            "{S} Dermatology",
            "{P} Urgent Care",
        ],
        Trade::School => &[
            "{P} Montessori School",
            "{P} Christian Academy",
            "{P} Learning Center",
            "{P} Preparatory School",
        ],
        Trade::Accounting => &[
            "{S} CPA Group",
            "{S} & {T} Accounting",
            "{P} Tax & Bookkeeping",
            "{S} Financial Advisors",
        ],
        Trade::Office => &[
            "{P} Title Company",
            "{S} Insurance Agency",
            "{P} Realty",
            "{P} Community Church",
            "{S} Engineering",
            "{P} Builders",
            "{S} Architects",
            "{P} Property Management",
            "{P} Veterinary Clinic",
        ],
    }
}

/// Legal suffixes a trade's organizations are registered with in NinjaOne.
fn legal_suffixes(trade: Trade) -> &'static [&'static str] {
    match trade {
        Trade::Dental => &["PLLC", "DDS, PC", "LLC"],
        Trade::Law => &["LLP", "PLLC", "P.A."],
        Trade::Clinic => &["LLC", "P.A.", "PLLC"],
        Trade::School => &["Inc."],
        Trade::Accounting => &["CPAs, PC", "LLC"],
        Trade::Office => &["LLC", "Inc.", "Co."],
    }
}

const TRADES: [(Trade, u64); 6] = [
    (Trade::Dental, 22),
    (Trade::Law, 18),
    (Trade::Clinic, 24),
    (Trade::School, 8),
    (Trade::Accounting, 14),
    (Trade::Office, 14),
];

fn pick_trade(rng: &mut Rng) -> Trade {
    let total: u64 = TRADES.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (trade, weight) in TRADES {
        if roll < weight {
            return trade;
        }
        roll -= weight;
    }
    Trade::Office
}

/// A trading name from one of the trade's patterns.
fn trading_name(rng: &mut Rng, trade: Trade) -> String {
    let pattern = *rng.pick(patterns(trade));
    let count = SURNAMES.len() as u64;
    let first = rng.below(count);
    let second = (first + 1 + rng.below(count - 1)) % count;
    let (first, second) = (SURNAMES[first as usize], SURNAMES[second as usize]);
    let place = *rng.pick(PLACES);
    pattern
        .replace("{P}", place)
        .replace("{S}", first)
        .replace("{T}", second)
}

/// Four upper-case letters from the initials and first letters of a name.
fn code_of(name: &str) -> String {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let mut code: String = words.iter().filter_map(|w| w.chars().next()).collect();
    if let Some(first) = words.first() {
        code.extend(first.chars().skip(1));
    }
    code.to_ascii_uppercase().chars().take(4).collect()
}

/// A new customer, drawn from `rng`; `taken` decides whether a site label is already in use
/// (labels are kept unique so that a person can tell the sites apart).
pub fn customer(rng: &mut Rng, taken: impl Fn(&str) -> bool) -> Customer {
    let trade = pick_trade(rng);
    let state = rng.pick(&STATES);
    let mut name = trading_name(rng, trade);
    for attempt in 0..20 {
        if !taken(&format!("{name} - {}", state.name)) {
            break;
        }
        name = if attempt < 16 {
            trading_name(rng, trade)
        } else {
            format!("{name} of {}", rng.pick(&state.towns))
        };
    }
    let legal_name = if rng.chance(0.4) {
        format!("{name} {}", rng.pick(legal_suffixes(trade)))
    } else {
        name.clone()
    };
    let size = match rng.below(100) {
        0..=44 => 1,
        45..=79 => 2,
        80..=94 => 3,
        _ => 4,
    };
    let town = *rng.pick(&state.towns);
    Customer {
        code: code_of(&name),
        town,
        name,
        legal_name,
        trade,
        state,
        size,
    }
}

/// An invented internet provider: name, organization and a private-range AS number.
#[derive(Debug, Clone, Copy)]
pub struct Isp {
    /// Short name, as `ispInfo.name`.
    pub name: &'static str,
    /// Registered organization, as `ispInfo.organization`.
    pub organization: &'static str,
    /// AS number (from the private range, since the providers are invented).
    pub asn: &'static str,
}

/// Invented regional providers.
pub const ISPS: [Isp; 10] = [
    isp("Gulf Coast Fiber", "Gulf Coast Fiber LLC", "64601"),
    isp("Delta Broadband", "Delta Broadband Communications", "64612"),
    isp("Ozark Cable", "Ozark Cable & Internet", "64623"),
    isp(
        "Piedmont Telecom",
        "Piedmont Telephone Cooperative",
        "64634",
    ),
    isp("Bluebonnet Internet", "Bluebonnet Networks Inc.", "64645"),
    isp("Sunbelt Fiber", "Sunbelt Fiber Holdings", "64656"),
    isp("Appalachian Wireless Net", "AWN Communications", "64667"),
    isp("Riverlands Cable", "Riverlands Cable Company", "64678"),
    isp("Southern Lightwave", "Southern Lightwave Networks", "64689"),
    isp("Prairie Link", "Prairie Link Rural Broadband", "64690"),
];

const fn isp(name: &'static str, organization: &'static str, asn: &'static str) -> Isp {
    Isp {
        name,
        organization,
        asn,
    }
}

/// The provider called `name`, if it is one of ours.
pub fn isp_named(name: &str) -> Option<&'static Isp> {
    ISPS.iter().find(|i| i.name == name)
}

/// The MSP's technicians: (NinjaOne user id, name, email).
pub const TECHNICIANS: [(i64, &str, &str); 6] = [
    (55, "Jane Tech", "jane.tech@msp.example"),
    (61, "Marcus Bell", "marcus.bell@msp.example"),
    (73, "Priya Raman", "priya.raman@msp.example"),
    (88, "Tomás Herrera", "tomas.herrera@msp.example"),
    (94, "Dana Whitaker", "dana.whitaker@msp.example"),
    (102, "Ken Osei", "ken.osei@msp.example"),
];

/// One technician, as the activity `user` triple.
pub fn technician(rng: &mut Rng) -> (i64, String, String) {
    let (id, name, email) = *rng.pick(&TECHNICIANS);
    (id, name.to_string(), email.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_end_in_one_of_the_states() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let c = customer(&mut rng, |_| false);
            let label = c.site_label();
            let suffix = label.rsplit(" - ").next().unwrap_or_default();
            assert!(state_named(suffix).is_some(), "{label}");
            assert!(c.legal_name.starts_with(&c.name));
            assert_eq!(c.code.len(), 4, "{}", c.name);
        }
    }

    #[test]
    fn slugs_are_dns_safe() {
        let mut rng = Rng::new(9);
        let c = customer(&mut rng, |_| false);
        let slug = c.slug();
        assert!(
            slug.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
        );
        assert!(!slug.starts_with('-') && !slug.ends_with('-'));
    }
}
