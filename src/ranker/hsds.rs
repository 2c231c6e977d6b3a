//! Import of an Open Referral HSDS directory in its tabular layout (one CSV
//! per table: organizations, services, locations, service_at_location,
//! addresses, phones, schedules, service_areas, attributes, taxonomy_terms;
//! HSDS 2 names such as physical_addresses and services_taxonomy too).
//!
//! What HSDS has is mapped; what it lacks (populations, income limits, direct
//! representation, annual volume, best bets, the kind of service) is reported
//! as problems and set to a stated default the user can edit. The gazetteer
//! is derived from the addresses.

use super::table::read_csv_grid;
use super::{Channel, Directory, Gazetteer, Place, Problem, RankerError, Service, ServiceArea};
use std::collections::{BTreeMap, BTreeSet};

/// One table: rows as header -> cell maps, with their spreadsheet row number.
struct Table {
    source: String,
    /// Header names, trimmed and lower-case.
    headers: Vec<String>,
    rows: Vec<(usize, BTreeMap<String, String>)>,
}

impl Table {
    fn empty() -> Table {
        Table {
            source: String::new(),
            headers: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// A table read from a file that lacks a column this import links by is
    /// reported (naming the columns it has) and left out whole, instead of
    /// silently adding nothing: a garbled or mislabelled file.
    fn require(self, columns: &[&str], problems: &mut Vec<Problem>) -> Table {
        if self.source.is_empty() {
            return self;
        }
        let missing: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !self.headers.iter().any(|h| h == c))
            .collect();
        if missing.is_empty() {
            return self;
        }
        let shown: Vec<String> = self
            .headers
            .iter()
            .take(12)
            .map(|h| h.chars().take(40).collect())
            .collect();
        problems.push(Problem {
            source: self.source.clone(),
            row: Some(1),
            column: missing.first().map(|c| c.to_string()),
            value: None,
            message: format!(
                "the table lacks the column{} '{}' that HSDS gives it (its header is: {}), so nothing was read from it; check that it is the HSDS table saved as CSV with its header row",
                if missing.len() > 1 { "s" } else { "" },
                missing.join("', '"),
                shown.join(", ")
            ),
        });
        Table::empty()
    }
}

fn get<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column).map(String::as_str).unwrap_or("")
}

fn table_key(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.trim()
        .to_lowercase()
        .trim_end_matches(".csv")
        .to_string()
}

/// Imports HSDS tables given as (file name, bytes). Only services.csv is
/// required; every other table adds what it can.
pub fn import_hsds(tables: &[(String, Vec<u8>)]) -> Result<(Directory, Vec<Problem>), RankerError> {
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<String, Table> = BTreeMap::new();
    for (name, bytes) in tables {
        let key = table_key(name);
        if !name.to_lowercase().ends_with(".csv") {
            continue;
        }
        match read_csv_grid(name, bytes) {
            Ok((grid, table_problems)) => {
                problems.extend(table_problems);
                let keys: Vec<String> = grid
                    .headers
                    .iter()
                    .map(|h| h.trim().to_lowercase())
                    .collect();
                let rows = grid
                    .rows
                    .into_iter()
                    .map(|(row_no, cells)| (row_no, keys.iter().cloned().zip(cells).collect()))
                    .collect();
                by_name.insert(
                    key,
                    Table {
                        source: name.clone(),
                        headers: keys,
                        rows,
                    },
                );
            }
            // An empty services table is not a missing one.
            Err(err @ RankerError::Empty { .. }) if key == "services" => return Err(err),
            // An empty optional table adds nothing; a broken one is reported.
            Err(RankerError::Empty { .. }) => {}
            Err(err) => problems.push(Problem {
                source: name.clone(),
                row: None,
                column: None,
                value: None,
                message: format!("{err}; the table was ignored"),
            }),
        }
    }
    let services_table = by_name
        .remove("services")
        .ok_or(RankerError::HsdsWithoutServices)?;
    let mut take = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| by_name.remove(*n))
            .unwrap_or_else(Table::empty)
    };
    for column in ["id", "name"] {
        if !services_table.headers.iter().any(|h| h == column) {
            return Err(RankerError::MissingColumn {
                file: services_table.source,
                column: column.to_string(),
            });
        }
    }
    let p = &mut problems;
    let organizations = take(&["organizations", "organisations"]).require(&["id", "name"], p);
    let locations = take(&["locations"]).require(&["id"], p);
    let at_location = take(&["service_at_location"]).require(&["service_id", "location_id"], p);
    let addresses =
        take(&["addresses", "physical_addresses"]).require(&["location_id", "postal_code"], p);
    let phones = take(&["phones"]);
    let schedules = take(&["schedules", "regular_schedules"]).require(&["freq"], p);
    let areas = take(&["service_areas"]).require(&["service_id", "name"], p);
    let attributes =
        take(&["attributes", "service_attributes"]).require(&["link_id", "taxonomy_term_id"], p);
    let services_taxonomy =
        take(&["services_taxonomy", "service_taxonomy"]).require(&["service_id"], p);
    let terms = take(&["taxonomy_terms", "taxonomy"]).require(&["id", "name"], p);
    if !phones.source.is_empty()
        && !phones
            .headers
            .iter()
            .any(|h| h == "service_id" || h == "service_at_location_id")
    {
        problems.push(Problem {
            source: phones.source.clone(),
            row: Some(1),
            column: Some("service_id".to_string()),
            value: None,
            message: "the table has neither a 'service_id' nor a 'service_at_location_id' column, so no phone could be linked to a service; check that it is the HSDS phones table with its header row".to_string(),
        });
    }

    let org_names: BTreeMap<&str, &str> = organizations
        .rows
        .iter()
        .map(|(_, r)| (get(r, "id"), get(r, "name")))
        .collect();
    let term_names: BTreeMap<&str, &str> = terms
        .rows
        .iter()
        .map(|(_, r)| (get(r, "id"), get(r, "name")))
        .collect();
    let location_types: BTreeMap<&str, &str> = locations
        .rows
        .iter()
        .map(|(_, r)| (get(r, "id"), get(r, "location_type")))
        .collect();

    // The gazetteer and each location's place, from the addresses.
    let mut places: BTreeMap<&str, Vec<Place>> = BTreeMap::new();
    let mut gazetteer = Gazetteer::default();
    let mut zips_seen = BTreeSet::new();
    for (_, row) in &addresses.rows {
        let place = Place {
            zip: get(row, "postal_code").to_string(),
            city: get(row, "city").to_string(),
            county: get(row, "region").to_string(),
            state: get(row, "state_province").to_string(),
        };
        if !place.zip.is_empty() && zips_seen.insert(place.zip.to_lowercase()) {
            gazetteer.places.push(place.clone());
        }
        places
            .entry(get(row, "location_id"))
            .or_default()
            .push(place);
    }

    // Each linked table indexed once by the column that links it.
    let attributes_of = index_by(&attributes, "link_id");
    let taxonomy_of = index_by(&services_taxonomy, "service_id");
    let locations_of = index_by(&at_location, "service_id");
    // Phones, and weekly schedules, by the service or the link they name.
    let (phone_services, phone_links) = linking_keys(&phones, |_| true);
    let (weekly_services, weekly_links) = linking_keys(&schedules, |r| {
        get(r, "freq").eq_ignore_ascii_case("weekly")
    });
    let areas_of = index_by(&areas, "service_id");
    // The gazetteer's names at each level, lower-case, for the service areas.
    let level = |f: fn(&Place) -> &String| -> BTreeSet<String> {
        gazetteer
            .places
            .iter()
            .map(|p| f(p).to_lowercase())
            .collect()
    };
    let (known_zips, known_cities, known_counties, known_states) = (
        level(|p| &p.zip),
        level(|p| &p.city),
        level(|p| &p.county),
        level(|p| &p.state),
    );

    let mut services = Vec::new();
    let mut ids = BTreeSet::new();
    for (row_no, row) in &services_table.rows {
        let source = &services_table.source;
        let id = get(row, "id");
        let name = get(row, "name");
        let row_problem = |column: &str, value: &str, message: String| Problem {
            source: source.clone(),
            row: Some(*row_no),
            column: Some(column.to_string()),
            value: Some(value.to_string()),
            message,
        };
        if id.is_empty() || name.is_empty() {
            let column = if id.is_empty() { "id" } else { "name" };
            problems.push(row_problem(
                column,
                "",
                format!("the service has no {column}; the row was skipped: fill it in"),
            ));
            continue;
        }
        if !ids.insert(id.to_string()) {
            problems.push(row_problem("id", id, "this service id is used by an earlier row; the row was skipped: give each service its own id".to_string()));
            continue;
        }
        let mut service = Service::new(id, name);
        let org_id = get(row, "organization_id");
        match org_names.get(org_id) {
            Some(org) if !org.is_empty() => service.organisation = org.to_string(),
            _ => problems.push(row_problem("organization_id", org_id, "no organisation with this id in organizations.csv; the service name is used as its organisation".to_string())),
        }
        let status = get(row, "status").to_lowercase();
        service.open = match status.as_str() {
            "active" | "" => true,
            "inactive" | "defunct" | "temporarily closed" => false,
            _ => {
                problems.push(row_problem("status", &status, "unknown status, taken as open; HSDS statuses are active, inactive, defunct and temporarily closed".to_string()));
                true
            }
        };
        if !get(row, "url").is_empty() || !get(row, "email").is_empty() {
            service.channels.push(Channel::Online);
        }

        // Issues: taxonomy terms linked through attributes (HSDS 3) or
        // services_taxonomy (HSDS 2).
        let mut issues = BTreeSet::new();
        for (_, attr) in attributes_of.get(id).into_iter().flatten() {
            if let Some(term) = term_names.get(get(attr, "taxonomy_term_id")) {
                issues.insert(term.to_string());
            }
        }
        for (_, link) in taxonomy_of.get(id).into_iter().flatten() {
            let term_id = get(link, "taxonomy_id");
            match term_names.get(term_id) {
                Some(term) => issues.insert(term.to_string()),
                None => issues.insert(get(link, "taxonomy_detail").to_string()),
            };
        }
        service.issues = issues.into_iter().filter(|t| !t.is_empty()).collect();
        if service.issues.is_empty() {
            problems.push(row_problem("id", id, "no taxonomy term is linked to this service, so it matches no legal issue; link terms in attributes.csv or add its issues in the directory".to_string()));
        }

        // Locations: channel and area from their type and addresses.
        let mut area = AreaTerms::default();
        let mut sal_ids = BTreeSet::new();
        // Each location's places once per service, however often it is linked.
        let mut locations_done = BTreeSet::new();
        for (_, link) in locations_of.get(id).into_iter().flatten() {
            if !get(link, "id").is_empty() {
                sal_ids.insert(get(link, "id"));
            }
            let location_id = get(link, "location_id");
            match location_types.get(location_id).map(|t| t.to_lowercase()) {
                Some(t) if t == "virtual" => push_channel(&mut service.channels, Channel::Online),
                _ => push_channel(&mut service.channels, Channel::InPerson),
            }
            if locations_done.insert(location_id) {
                for place in places.get(location_id).into_iter().flatten() {
                    area.push_place(place);
                }
            }
        }
        let named = |services: &BTreeSet<&str>, links: &BTreeSet<&str>| {
            services.contains(id) || sal_ids.iter().any(|s| links.contains(s))
        };
        if named(&phone_services, &phone_links) {
            push_channel(&mut service.channels, Channel::Phone);
        }
        // Service areas: a name that is a known zip, city, county or state
        // maps to that level; free text or GeoJSON cannot be mapped.
        for (area_row, sa) in areas_of.get(id).into_iter().flatten() {
            let name = get(sa, "name");
            let lower = name.to_lowercase();
            if lower.is_empty() {
                continue;
            } else if known_zips.contains(&lower) {
                area.zips.push(name);
            } else if known_cities.contains(&lower) {
                area.cities.push(name);
            } else if known_counties.contains(&lower) {
                area.counties.push(name);
            } else if known_states.contains(&lower) {
                area.states.push(name);
            } else {
                let shown: String = name.chars().take(60).collect();
                problems.push(Problem {
                    source: areas.source.clone(),
                    row: Some(*area_row),
                    column: Some("name".to_string()),
                    value: Some(shown),
                    message: "this service area is not a zip, city, county or state of the addresses, so it was not mapped; the service's location addresses are used: add its zips, cities, counties or states in the directory".to_string(),
                });
            }
        }
        let area = area.into_area();
        if area.is_empty() {
            problems.push(row_problem("id", id, "no address or service area places this service, so it matches no location; add where it serves in the directory".to_string()));
        }
        service.area = area;
        service.regular_hours = named(&weekly_services, &weekly_links);
        service.channels.sort();
        services.push(service);
    }
    if services.is_empty() {
        return Err(RankerError::NoServices {
            problems: problems
                .into_iter()
                .filter(|p| p.source == services_table.source || p.row == Some(1))
                .collect(),
            file: services_table.source,
        });
    }
    if gazetteer.places.is_empty() {
        problems.push(Problem {
            source: if addresses.source.is_empty() {
                "addresses.csv".to_string()
            } else {
                addresses.source.clone()
            },
            row: None,
            column: Some("postal_code".to_string()),
            value: None,
            message: "no address gives a zip code, so the gazetteer is empty and a person's zip can only match services listing that zip; add postal codes to the addresses, or import a gazetteer".to_string(),
        });
    }
    for (what, default) in [
        ("populations served", "open to all"),
        ("income limits", "not serving people over the income limit"),
        ("direct representation", "not providing direct representation (the 2024 ranking returns none of them until you mark those that do)"),
        ("annual volume", "without a volume (score 0.75 with weekly hours, 0.25 without)"),
        ("best bets", "a best bet for nothing"),
        ("kind (bar referral, self-help centre)", "an ordinary service"),
        ("next date of irregular in-person sessions", "without a next date"),
    ] {
        problems.push(Problem {
            source: services_table.source.clone(),
            row: None,
            column: None,
            value: None,
            message: format!("HSDS has no field for {what}; every service was imported as {default}: edit the services in the directory to set it"),
        });
    }
    Ok((
        Directory {
            services,
            gazetteer,
        },
        problems,
    ))
}

fn push_channel(channels: &mut Vec<Channel>, channel: Channel) {
    if !channels.contains(&channel) {
        channels.push(channel);
    }
}

type Row = (usize, BTreeMap<String, String>);

/// The rows of `table` grouped by their value in `column`, in file order
/// (rows with it empty left out). Each service looks up its own links here:
/// scanning every linked table once per service was quadratic in the rows,
/// minutes for a directory of a few thousand services.
fn index_by<'a>(table: &'a Table, column: &str) -> BTreeMap<&'a str, Vec<&'a Row>> {
    let mut index: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in &table.rows {
        let key = get(&row.1, column);
        if !key.is_empty() {
            index.entry(key).or_default().push(row);
        }
    }
    index
}

/// The services and the service-at-location links that the rows of `table`
/// kept by `keep` name (empty names left out).
fn linking_keys(
    table: &Table,
    keep: fn(&BTreeMap<String, String>) -> bool,
) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let (mut services, mut links) = (BTreeSet::new(), BTreeSet::new());
    for (_, row) in table.rows.iter().filter(|(_, r)| keep(r)) {
        services.insert(get(row, "service_id"));
        links.insert(get(row, "service_at_location_id"));
    }
    services.remove("");
    links.remove("");
    (services, links)
}

/// A service area's terms at one level, in the order first seen, without
/// repeats (compared ignoring ASCII case) and without a scan per term.
#[derive(Default)]
struct Terms {
    list: Vec<String>,
    seen: BTreeSet<String>,
}

impl Terms {
    fn push(&mut self, term: &str) {
        let term = term.trim();
        if !term.is_empty() && self.seen.insert(term.to_ascii_lowercase()) {
            self.list.push(term.to_string());
        }
    }
}

/// A service area as it is gathered from locations and service areas.
#[derive(Default)]
struct AreaTerms {
    zips: Terms,
    cities: Terms,
    counties: Terms,
    states: Terms,
}

impl AreaTerms {
    fn push_place(&mut self, place: &Place) {
        self.zips.push(&place.zip);
        self.cities.push(&place.city);
        self.counties.push(&place.county);
        self.states.push(&place.state);
    }

    fn into_area(self) -> ServiceArea {
        ServiceArea {
            zips: self.zips.list,
            cities: self.cities.list,
            counties: self.counties.list,
            states: self.states.list,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(extra: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        let mut tables = vec![
            (
                "services.csv".to_string(),
                b"id,name,organization_id\ns1,Advice,o1\n".to_vec(),
            ),
            (
                "organizations.csv".to_string(),
                b"id,name\no1,Org\n".to_vec(),
            ),
        ];
        tables.extend(
            extra
                .iter()
                .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec())),
        );
        tables
    }

    #[test]
    fn an_empty_link_id_links_no_phone_or_schedule() {
        // s1's location link has no id; the phone and the schedule name no
        // link either (they belong to nobody here). Before the tables were
        // indexed, the empty ids matched and s1 got a phone and weekly hours.
        let extra = [
            (
                "service_at_location.csv",
                "id,service_id,location_id\n,s1,l1\n",
            ),
            (
                "phones.csv",
                "service_id,service_at_location_id,number\ns9,,555\n",
            ),
            (
                "schedules.csv",
                "service_id,service_at_location_id,freq\ns9,,weekly\n",
            ),
        ];
        let (dir, _) = import_hsds(&tables(&extra)).unwrap();
        let s1 = &dir.services[0];
        assert!(!s1.channels.contains(&Channel::Phone), "{:?}", s1.channels);
        assert!(!s1.regular_hours);
        // Linked by the link's id or by the service's own id, they count.
        let extra = [
            (
                "service_at_location.csv",
                "id,service_id,location_id\nsl1,s1,l1\n",
            ),
            (
                "phones.csv",
                "service_id,service_at_location_id,number\n,sl1,555\n",
            ),
            (
                "schedules.csv",
                "service_id,service_at_location_id,freq\ns1,,WEEKLY\n",
            ),
        ];
        let (dir, _) = import_hsds(&tables(&extra)).unwrap();
        let s1 = &dir.services[0];
        assert!(s1.channels.contains(&Channel::Phone), "{:?}", s1.channels);
        assert!(s1.regular_hours);
    }

    #[test]
    fn an_empty_services_table_is_reported_as_empty_not_missing() {
        let mut input = tables(&[]);
        input[0].1.clear();
        let err = import_hsds(&input).unwrap_err();
        assert_eq!(
            err,
            RankerError::Empty {
                file: "services.csv".into()
            }
        );
        let missing = import_hsds(&input[1..]).unwrap_err();
        assert_eq!(missing, RankerError::HsdsWithoutServices);
    }

    #[test]
    fn garbled_attributes_and_addresses_are_reported() {
        let (_, problems) = import_hsds(&tables(&[
            ("attributes.csv", "\u{1}\u{2}PK garbage;;\nmore,junk\n"),
            ("addresses.csv", "street,town\n1 Main St,Springfield\n"),
        ]))
        .unwrap();
        for file in ["attributes.csv", "addresses.csv"] {
            assert!(
                problems
                    .iter()
                    .any(|p| p.source == file && p.message.contains("lacks the column")),
                "{file}: {problems:?}"
            );
        }
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("the gazetteer is empty")),
            "{problems:?}"
        );
    }

    #[test]
    fn services_that_are_all_skipped_list_why() {
        let input = vec![(
            "services.csv".to_string(),
            b"id,name\n,No id\ns2,\n".to_vec(),
        )];
        let err = import_hsds(&input).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("row 2, column 'id'") && message.contains("row 3, column 'name'"),
            "{message}"
        );
    }
}
