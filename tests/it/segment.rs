//! Integration tests: segment. Seeded blobs, constructed profiles, the
//! simulator groups, bad settings, a real data set and invariants.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use signpost::import::{import, Column, ColumnKind, Dataset, ReadOptions, Role, SuccessRule};
use signpost::segment::{segment, KChoice, SegmentConfig, SegmentError, MAX_EXACT};

fn column(name: &str, kind: ColumnKind, role: Role, cells: Vec<Option<String>>) -> Column {
    Column {
        name: name.to_string(),
        kind,
        role,
        cells,
    }
}

fn numbers(values: &[f64]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(format!("{v}"))).collect()
}

fn texts(values: &[&str]) -> Vec<Option<String>> {
    values
        .iter()
        .map(|v| (!v.is_empty()).then(|| v.to_string()))
        .collect()
}

fn dataset(columns: Vec<Column>) -> Dataset {
    Dataset {
        source: "test.csv".to_string(),
        n_rows: columns.first().map_or(0, |c| c.cells.len()),
        columns,
        success_rule: None,
    }
}

/// Gaussian-ish blobs (sum of three uniforms) around random centres 10 apart.
fn blobs(n_blobs: usize, per: usize, dims: usize, seed: u64) -> (Dataset, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<Vec<f64>> = (0..n_blobs)
        .map(|b| {
            (0..dims)
                .map(|d| {
                    if d == b % dims {
                        10.0 * (1 + b / dims) as f64
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let mut values = vec![Vec::new(); dims];
    let mut truth = Vec::new();
    for (b, centre) in centres.iter().enumerate() {
        for _ in 0..per {
            for (d, c) in centre.iter().enumerate() {
                let noise: f64 = (0..3).map(|_| rng.gen::<f64>() - 0.5).sum();
                values[d].push(c + noise);
            }
            truth.push(b);
        }
    }
    let columns = values
        .iter()
        .enumerate()
        .map(|(d, v)| {
            column(
                &format!("x{d}"),
                ColumnKind::Numeric,
                Role::Feature,
                numbers(v),
            )
        })
        .collect();
    (dataset(columns), truth)
}

fn choose2(n: usize) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index (Hubert and Arabie).
fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let ka = a.iter().max().map_or(0, |m| m + 1);
    let kb = b.iter().max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0usize; kb]; ka];
    for (&x, &y) in a.iter().zip(b) {
        table[x][y] += 1;
    }
    let index: f64 = table.iter().flatten().map(|&n| choose2(n)).sum();
    let rows: f64 = table.iter().map(|r| choose2(r.iter().sum())).sum();
    let cols: f64 = (0..kb)
        .map(|j| choose2(table.iter().map(|r| r[j]).sum()))
        .sum();
    let expected = rows * cols / choose2(a.len());
    let max = (rows + cols) / 2.0;
    (index - expected) / (max - expected)
}

fn config(k: KChoice) -> SegmentConfig {
    SegmentConfig {
        k,
        ..SegmentConfig::default()
    }
}

#[test]
fn adjusted_rand_oracle() {
    assert!((adjusted_rand(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
    // Hand-computed: index 1 equals its expectation (2 * 3 / 6), so 0.
    assert!(adjusted_rand(&[0, 0, 1, 1], &[0, 0, 0, 1]).abs() < 1e-12);
}

#[test]
fn kmeans_recovers_separated_blobs() {
    for (n_blobs, dims, seed) in [(3, 2, 1), (4, 3, 2), (5, 5, 3), (6, 3, 4)] {
        let (data, truth) = blobs(n_blobs, 80, dims, seed);
        let result = segment(&data, &config(KChoice::Fixed(n_blobs))).unwrap();
        let ari = adjusted_rand(&result.assignments, &truth);
        assert!(ari > 0.95, "{n_blobs} blobs in {dims} dims: ARI {ari}");
    }
}

#[test]
fn silhouette_picks_the_true_k() {
    for (n_blobs, dims, seed) in [(2, 2, 10), (3, 3, 11), (4, 4, 12), (5, 3, 13), (7, 4, 14)] {
        let (data, _) = blobs(n_blobs, 60, dims, seed);
        let result = segment(&data, &SegmentConfig::default()).unwrap();
        assert_eq!(result.k, n_blobs, "silhouettes {:?}", result.silhouettes);
        let ks: Vec<usize> = result.silhouettes.iter().map(|(k, _)| *k).collect();
        assert_eq!(ks, (2..=8).collect::<Vec<_>>());
    }
}

#[test]
fn same_seed_gives_the_same_segmentation() {
    let (data, _) = blobs(4, 50, 3, 21);
    let a = segment(&data, &SegmentConfig::default()).unwrap();
    let b = segment(&data, &SegmentConfig::default()).unwrap();
    assert_eq!(a, b);
    // A fixed k gives the same segments as that k chosen from a range.
    let fixed = segment(&data, &config(KChoice::Fixed(a.k))).unwrap();
    assert_eq!(fixed.assignments, a.assignments);
}

#[test]
fn seed_matters_on_data_without_structure() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let values: Vec<f64> = (0..300).map(|_| rng.gen()).collect();
    let other: Vec<f64> = (0..300).map(|_| rng.gen()).collect();
    let data = dataset(vec![
        column("a", ColumnKind::Numeric, Role::Feature, numbers(&values)),
        column("b", ColumnKind::Numeric, Role::Feature, numbers(&other)),
    ]);
    let results: Vec<Vec<usize>> = (0..6)
        .map(|seed| {
            let config = SegmentConfig {
                seed,
                ..config(KChoice::Fixed(6))
            };
            segment(&data, &config).unwrap().assignments
        })
        .collect();
    assert!(
        results.iter().any(|r| r != &results[0]),
        "the seed is not used"
    );
}

/// Two groups that differ on risk and housing; age and noise do not differ.
fn constructed() -> Dataset {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 200;
    let mut risk = Vec::new();
    let mut housing = Vec::new();
    let mut age = Vec::new();
    let mut support = Vec::new();
    let mut gender = Vec::new();
    let mut pathway = Vec::new();
    let mut completed = Vec::new();
    for i in 0..n {
        let high = i % 2 == 0;
        risk.push(if high { 8.0 } else { 2.0 } + rng.gen::<f64>());
        housing.push(if high { "unstable" } else { "stable" });
        age.push(30.0 + 20.0 * rng.gen::<f64>());
        support.push(if high { "no" } else { "yes" });
        gender.push(if i % 4 < 3 { "f" } else { "m" });
        // High-risk people: 3 in 4 go to "intensive"; low-risk: 1 in 4.
        let intensive = if high { i % 8 != 0 } else { i % 8 == 1 };
        pathway.push(if intensive { "intensive" } else { "light" });
        completed.push(if i % 3 == 0 { "no" } else { "yes" });
    }
    let mut data = dataset(vec![
        column(
            "risk_score",
            ColumnKind::Numeric,
            Role::Feature,
            numbers(&risk),
        ),
        column(
            "housing",
            ColumnKind::Categorical,
            Role::Feature,
            texts(&housing),
        ),
        column("age", ColumnKind::Numeric, Role::Feature, numbers(&age)),
        column(
            "has_support",
            ColumnKind::Binary,
            Role::Feature,
            texts(&support),
        ),
        column(
            "gender",
            ColumnKind::Categorical,
            Role::Protected,
            texts(&gender),
        ),
        column(
            "pathway",
            ColumnKind::Categorical,
            Role::Pathway,
            texts(&pathway),
        ),
        column(
            "completed",
            ColumnKind::Binary,
            Role::Outcome,
            texts(&completed),
        ),
    ]);
    data.success_rule = Some(SuccessRule::Equals {
        column: "completed".to_string(),
        values: vec!["yes".to_string()],
    });
    data
}

#[test]
fn profiles_name_the_distinguishing_columns() {
    let data = constructed();
    let result = segment(&data, &config(KChoice::Fixed(2))).unwrap();
    assert_eq!(
        result.columns,
        ["risk_score", "housing", "age", "has_support"]
    );
    let high = result
        .segments
        .iter()
        .find(|s| s.words.contains(&"high risk score".to_string()))
        .unwrap_or_else(|| panic!("no high-risk segment: {:?}", result.segments));
    assert!(
        high.words.contains(&"housing: unstable".to_string()),
        "{:?}",
        high.words
    );
    assert!(
        high.words.contains(&"has support: rarely yes".to_string()),
        "{:?}",
        high.words
    );
    let low = result
        .segments
        .iter()
        .find(|s| s.index != high.index)
        .unwrap();
    assert!(
        low.words.contains(&"low risk score".to_string()),
        "{:?}",
        low.words
    );
    assert!(
        low.words.contains(&"housing: stable".to_string()),
        "{:?}",
        low.words
    );
    for segment in &result.segments {
        // Age does not differ between the groups, and the protected column is
        // never a name.
        assert!(segment
            .features
            .iter()
            .all(|f| f.column != "age" && f.column != "gender"));
        assert!(segment.name.starts_with(&segment.label));
    }
}

#[test]
fn protected_columns_are_audited_not_clustered() {
    let data = constructed();
    let result = segment(&data, &config(KChoice::Fixed(2))).unwrap();
    for segment in &result.segments {
        let audit = &segment.audit;
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].column, "gender");
        let total: f64 = audit[0].levels.iter().map(|l| l.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
        let f = audit[0].levels.iter().find(|l| l.level == "f").unwrap();
        assert!((f.overall_share - 0.75).abs() < 1e-9);
    }
    let with = SegmentConfig {
        include_protected: true,
        ..config(KChoice::Fixed(2))
    };
    let result = segment(&data, &with).unwrap();
    assert!(result.columns.contains(&"gender".to_string()));
}

#[test]
fn success_rate_per_pathway_within_each_segment() {
    let data = constructed();
    let result = segment(&data, &config(KChoice::Fixed(2))).unwrap();
    assert_eq!(result.pathway_column.as_deref(), Some("pathway"));
    let success = data.success().unwrap();
    let pathway = data.column("pathway").unwrap();
    for segment in &result.segments {
        let names: Vec<&str> = segment
            .pathways
            .iter()
            .map(|p| p.pathway.as_str())
            .collect();
        assert_eq!(names, ["intensive", "light"]);
        for outcome in &segment.pathways {
            // Recount from the rows.
            let rows: Vec<usize> = (0..data.n_rows)
                .filter(|&r| {
                    result.assignments[r] == segment.index
                        && pathway.cells[r].as_deref() == Some(outcome.pathway.as_str())
                })
                .collect();
            let successes = rows.iter().filter(|&&r| success[r] == Some(true)).count();
            assert_eq!(outcome.n, rows.len());
            assert_eq!(outcome.successes, successes);
            assert_eq!(
                outcome.success_rate,
                Some(successes as f64 / rows.len() as f64)
            );
        }
    }
}

#[test]
fn simulator_groups_carry_segment_shares_and_pathway_mix() {
    let data = constructed();
    let result = segment(&data, &config(KChoice::Fixed(3))).unwrap();
    let groups = result.simulator_groups();
    assert_eq!(groups.len(), 3);
    let total: f64 = groups.iter().map(|g| g.share).sum();
    assert!((total - 1.0).abs() < 1e-9);
    for (index, group) in groups.iter().enumerate() {
        let size = result.assignments.iter().filter(|&&a| a == index).count();
        assert!((group.share - size as f64 / data.n_rows as f64).abs() < 1e-12);
        let mix: f64 = group.pathway_mix.iter().map(|(_, s)| s).sum();
        assert!((mix - 1.0).abs() < 1e-9, "{:?}", group.pathway_mix);
        let intensive = (0..data.n_rows)
            .filter(|&r| {
                result.assignments[r] == index
                    && data.column("pathway").unwrap().cells[r].as_deref() == Some("intensive")
            })
            .count();
        let (_, share) = group
            .pathway_mix
            .iter()
            .find(|(p, _)| p == "intensive")
            .unwrap();
        assert!((share - intensive as f64 / size as f64).abs() < 1e-12);
        assert_eq!(group.name, result.segments[index].name);
    }
}

#[test]
fn bad_settings_get_clear_messages() {
    let data = constructed();
    fn check(data: &Dataset, config: SegmentConfig, expected: SegmentError, words: &str) {
        let err = segment(data, &config).unwrap_err();
        assert_eq!(err, expected);
        assert!(err.to_string().contains(words), "{err}");
    }
    check(
        &data,
        config(KChoice::Fixed(500)),
        SegmentError::KTooLarge {
            k: 500,
            n_rows: 200,
        },
        "smaller k",
    );
    check(
        &data,
        config(KChoice::Fixed(1)),
        SegmentError::KTooSmall { k: 1 },
        "at least 2",
    );
    check(
        &data,
        config(KChoice::Range(5, 3)),
        SegmentError::EmptyRange { lo: 5, hi: 3 },
        "2..8",
    );
    check(
        &data,
        config(KChoice::Range(300, 400)),
        SegmentError::KTooLarge {
            k: 300,
            n_rows: 200,
        },
        "200 rows",
    );
    let named = |names: &[&str]| SegmentConfig {
        columns: Some(names.iter().map(|n| n.to_string()).collect()),
        ..config(KChoice::Fixed(2))
    };
    let available: Vec<String> = data.columns.iter().map(|c| c.name.clone()).collect();
    check(
        &data,
        named(&["risk"]),
        SegmentError::UnknownColumn {
            column: "risk".into(),
            available,
        },
        "risk_score",
    );
    check(
        &data,
        named(&["gender"]),
        SegmentError::ProtectedColumn {
            column: "gender".into(),
        },
        "audit",
    );
    let notes = column(
        "notes",
        ColumnKind::FreeText,
        Role::Feature,
        texts(&["a b", "c d", "e f"]),
    );
    let ids = column(
        "id",
        ColumnKind::Identifier,
        Role::Id,
        texts(&["1", "2", "3"]),
    );
    let text_only = dataset(vec![notes, ids]);
    check(
        &text_only,
        config(KChoice::Fixed(2)),
        SegmentError::NoColumns {
            file: "test.csv".into(),
        },
        "no numeric or categorical",
    );
    check(
        &text_only,
        named(&["notes"]),
        SegmentError::UnusableColumn {
            column: "notes".into(),
            kind: ColumnKind::FreeText,
        },
        "cannot be clustered",
    );
    let words = dataset(vec![column(
        "n",
        ColumnKind::Numeric,
        Role::Feature,
        texts(&["x", "y", "z"]),
    )]);
    check(
        &words,
        config(KChoice::Fixed(2)),
        SegmentError::NoNumbers { column: "n".into() },
        "no numbers",
    );
    let same = dataset(vec![column(
        "n",
        ColumnKind::Numeric,
        Role::Feature,
        numbers(&[1.0, 1.0, 1.0, 2.0]),
    )]);
    check(
        &same,
        config(KChoice::Fixed(3)),
        SegmentError::TooFewDistinctRows { distinct: 2, k: 3 },
        "only 2 rows differ",
    );
    check(
        &dataset(vec![]),
        config(KChoice::Fixed(2)),
        SegmentError::NoRows {
            file: "test.csv".into(),
        },
        "no rows",
    );
}

#[test]
fn small_file_lowers_the_top_of_the_range() {
    let data = dataset(vec![column(
        "n",
        ColumnKind::Numeric,
        Role::Feature,
        numbers(&[1.0, 2.0, 10.0, 11.0]),
    )]);
    let result = segment(&data, &SegmentConfig::default()).unwrap();
    let ks: Vec<usize> = result.silhouettes.iter().map(|(k, _)| *k).collect();
    assert_eq!(ks, [2, 3]);
    assert_eq!(result.k, 2);
}

#[test]
fn iris_segments_follow_the_species() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv");
    let bytes = std::fs::read(path).unwrap();
    let imported = import("iris.csv", &bytes, &ReadOptions::default()).unwrap();
    let mut data = imported.dataset;
    let species = data.column("target").unwrap().levels();
    let truth: Vec<usize> = data
        .column("target")
        .unwrap()
        .cells
        .iter()
        .map(|c| {
            species
                .iter()
                .position(|s| Some(s.as_str()) == c.as_deref())
                .unwrap()
        })
        .collect();
    for column in &mut data.columns {
        column.role = if column.name == "target" {
            Role::Pathway
        } else {
            Role::Feature
        };
    }
    let result = segment(&data, &config(KChoice::Fixed(3))).unwrap();
    assert_eq!(result.columns.len(), 4);
    // k-means on standardised iris is known to reach an ARI of about 0.6.
    let ari = adjusted_rand(&result.assignments, &truth);
    assert!(ari > 0.55, "ARI {ari}");
    assert_eq!(result.pca.len(), 150);
    // The first component of iris shows most of the spread (about 73%).
    assert!(result.pca_explained[0] > 0.6, "{:?}", result.pca_explained);
}

#[test]
fn large_files_use_a_sample_for_silhouette_and_picture() {
    let (data, truth) = blobs(3, 1_000, 2, 31);
    let result = segment(&data, &config(KChoice::Range(2, 4))).unwrap();
    assert_eq!(result.k, 3);
    assert_eq!(result.sample_rows, MAX_EXACT);
    assert_eq!(result.pca.len(), MAX_EXACT);
    assert_eq!(result.assignments.len(), 3_000);
    assert!(adjusted_rand(&result.assignments, &truth) > 0.95);
    let mut rows: Vec<usize> = result.pca.iter().map(|p| p.row_idx).collect();
    rows.dedup();
    assert_eq!(rows.len(), MAX_EXACT);
    for point in &result.pca {
        assert_eq!(point.segment, result.assignments[point.row_idx]);
    }
}

fn arbitrary_dataset() -> impl Strategy<Value = Dataset> {
    let cell = prop_oneof![
        3 => (-50i32..50).prop_map(|v| Some(v.to_string())),
        1 => Just(None),
        1 => "[a-c]{1,2}".prop_map(Some),
    ];
    (4usize..40).prop_flat_map(move |n_rows| {
        (
            proptest::collection::vec(cell.clone(), n_rows),
            proptest::collection::vec(cell.clone(), n_rows),
            proptest::collection::vec(prop_oneof![Just("x"), Just("y"), Just("z")], n_rows),
        )
            .prop_map(|(a, b, c)| {
                dataset(vec![
                    column("a", ColumnKind::Numeric, Role::Feature, a),
                    column("b", ColumnKind::Ordinal, Role::Feature, b),
                    column(
                        "c",
                        ColumnKind::Categorical,
                        Role::Feature,
                        c.iter().map(|s| Some(s.to_string())).collect(),
                    ),
                ])
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn segmentation_invariants(data in arbitrary_dataset(), seed in 0u64..1000) {
        let config = SegmentConfig { seed, k: KChoice::Range(2, 5), ..SegmentConfig::default() };
        // Garbage is allowed to be refused, never to panic.
        if let Ok(result) = segment(&data, &config) {
            prop_assert_eq!(result.assignments.len(), data.n_rows);
            prop_assert!(result.assignments.iter().all(|&a| a < result.k));
            prop_assert_eq!(result.segments.len(), result.k);
            let sizes: usize = result.segments.iter().map(|s| s.size).sum();
            prop_assert_eq!(sizes, data.n_rows);
            prop_assert!(result.segments.iter().all(|s| s.size > 0));
            prop_assert!(result.segments.windows(2).all(|w| w[0].size >= w[1].size));
            let shares: f64 = result.simulator_groups().iter().map(|g| g.share).sum();
            prop_assert!((shares - 1.0).abs() < 1e-9);
            prop_assert!(result.silhouettes.iter().all(|(_, s)| (-1.0..=1.0).contains(s)));
            prop_assert!(result.pca.iter().all(|p| p.xy.iter().all(|v| v.is_finite())));
        }
    }
}

fn signpost(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_prints_k_silhouettes_and_profiles() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv");
    let out = signpost(&["segment", path, "--k-range", "2..4", "--seed", "7"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let k = json["k"].as_u64().unwrap() as usize;
    assert_eq!(json["silhouettes"].as_array().unwrap().len(), 3);
    let segments = json["segments"].as_array().unwrap();
    assert_eq!(segments.len(), k);
    let sizes: u64 = segments.iter().map(|s| s["size"].as_u64().unwrap()).sum();
    assert_eq!(sizes, 150);
    assert_eq!(json["simulator_groups"].as_array().unwrap().len(), k);
}

#[test]
fn cli_refuses_bad_k_with_status_2() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/iris.csv");
    let out = signpost(&["segment", path, "--k", "500"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("iris.csv") && stderr.contains("k = 500"),
        "{stderr}"
    );
    let out = signpost(&["segment", path, "--k-range", "eight"]);
    assert_eq!(out.status.code(), Some(2));
}
