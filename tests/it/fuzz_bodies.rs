//! The fuzz targets' bodies (`fuzz/src/bodies.rs`), compiled and run by
//! `cargo test`: every valid seed the fuzzers start from must get past the
//! first parser (so the fuzzers reach the deeper code), and a few thousand
//! deterministic mutations of each (truncations, byte flips, insertions)
//! must neither panic nor hang. The fuzz workspace itself is built only by
//! `scripts/fuzz.sh`; compiling its bodies here means a rename in the crate
//! breaks this test instead of the fuzz build.

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod signpost_fuzz;

use signpost::demo::{self, DemoOptions};
use signpost::model::train::{train, Mode, TrainConfig};
use signpost_fuzz::bodies;

/// Deterministic mutations of `seed`: truncated at several points, one byte
/// flipped or inserted at several offsets (a small xorshift picks them).
fn mutations(seed: &[u8], count: usize) -> Vec<Vec<u8>> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ seed.len() as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let mut m = seed.to_vec();
        let at = (next() as usize) % (m.len() + 1);
        let byte = (next() >> 24) as u8;
        match i % 3 {
            0 => m.truncate(at),
            1 if at < m.len() => m[at] ^= byte | 1,
            _ => m.insert(at, byte),
        }
        out.push(m);
    }
    out
}

fn exercise(name: &str, body: fn(&[u8]) -> bool, seeds: &[Vec<u8>], mutants: usize) {
    for (i, seed) in seeds.iter().enumerate() {
        assert!(
            body(seed),
            "{name}: seed {i} was refused by the first parser"
        );
        for m in mutations(seed, mutants) {
            body(&m);
        }
    }
}

fn file(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_readers_fuzz_bodies_accept_their_seeds_and_survive_mutations() {
    exercise(
        "csv",
        bodies::csv,
        &[
            file("tests/data/iris.csv"),
            file("tests/data/semicolon.csv"),
        ],
        300,
    );
    let sheet = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
        r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>"#,
        r#"<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row></sheetData></worksheet>"#,
        "\0",
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">"#,
        r#"<si><t>id</t></si><si><t>name</t></si><si><t>Housing</t></si></sst>"#,
    );
    exercise("xlsx", bodies::xlsx, &[sheet.as_bytes().to_vec()], 300);
    exercise(
        "directory",
        bodies::directory,
        &[file("examples/directory.csv")],
        300,
    );
    let tables: Vec<Vec<u8>> = signpost_fuzz::HSDS_TABLES
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            // The example has no services_taxonomy.csv table.
            let path = format!("tests/data/hsds-example/{name}");
            let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).ok()?;
            // The byte naming a table is read modulo 11; i + 11 is never a NUL.
            let mut part = vec![i as u8 + 11];
            part.extend(bytes.into_iter().filter(|&b| b != 0));
            Some(part)
        })
        .collect();
    exercise("hsds", bodies::hsds, &[tables.join(&0u8)], 100);
}

#[test]
fn the_saved_files_fuzz_bodies_accept_their_seeds_and_survive_mutations() {
    let scenario = serde_json::to_vec(&signpost::sim::demo_scenario()).unwrap();
    exercise(
        "scenario",
        bodies::scenario,
        std::slice::from_ref(&scenario),
        300,
    );
    exercise("fragment", bodies::fragment, &[scenario], 300);
    let workspace = serde_json::to_vec(&signpost::workspace::Workspace::default()).unwrap();
    exercise("workspace", bodies::workspace, &[workspace], 300);
    let dataset = demo::referrals(&DemoOptions {
        rows: 200,
        seed: 7,
        truth: false,
    });
    let mut config = TrainConfig {
        mode: Mode::Allocations,
        folds: 2,
        ..TrainConfig::default()
    };
    config.forest.n_trees = 2;
    config.forest.max_depth = 3;
    let model = train(&dataset, &config).unwrap().to_json().unwrap();
    exercise("model", bodies::model, &[model.into_bytes()], 200);
}
