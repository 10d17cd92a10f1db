//! Regressions for the defects of issue 13, each checked against a value worked out by hand on
//! a small model (tests/models/small.toml, drawn in docs/semantics.md) or on a model built here.

use std::path::Path;

use supplygraph::model::{self, Model};
use supplygraph::output::{Cell, Table};
use supplygraph::query::parse;

mod common;

use common::{num, table, text};

fn small() -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/small.toml");
    let (m, p) = model::load_path(&path).build();
    m.unwrap_or_else(|| panic!("{p}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// Item 8: paths come out largest first, and the note says so.
#[test]
fn the_paths_note_says_largest() {
    let m = small();
    let t = table(&m, r#"paths from nodes where kind = mine to "ev" limit 1"#);
    // mine-a -> sep -> magnets -> ev: 0.6 * 0.9 * 0.8 = 0.432 beats mine-b's 0.4 * 0.9 * 0.8.
    assert_eq!(t.rows.len(), 1);
    assert_eq!(
        t.rows[0][0],
        Cell::List(
            ["mine-a", "sep", "magnets", "ev"]
                .map(String::from)
                .to_vec()
        )
    );
    assert!(close(num(&t.rows[0][1]), 0.432));
    assert!(
        t.notes.iter().any(|n| n.contains("the largest path")),
        "{:?}",
        t.notes
    );
}

// Item 7: a long union chain evaluates without overflowing a small stack.
#[test]
fn a_long_union_chain_does_not_overflow() {
    let m = small();
    let names = vec![r#""mine-a""#; 4000].join(", ");
    let q = format!("{names}, \"sep\"");
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || table(&m, &q).rows.len())
        .unwrap();
    assert_eq!(h.join().expect("no stack overflow"), 2);
}

// Item 1: `except` and `intersect` work on the flow nodes a region stands for.
#[test]
fn except_takes_a_node_out_of_a_region() {
    let m = small();
    // Sea except gd-plant = {mine-b, import, recycler, future}, all lost (d = 1):
    // L(sep) = 0.4 (mine-b's ore share), L(magnets) = 0.9 * 0.4 + 0.1 * 1 = 0.46,
    // L(ev) = max(0.8 * 0.46 + 0.2 * 1, gd: 0) = 0.568.
    let t = table(&m, r#"exposure of "ev" to "Sea" except "gd-plant""#);
    assert!(close(num(&t.rows[0][2]), 0.568), "{:?}", t.rows);
    // The same through a variable.
    let t = table(
        &m,
        r#"let sea = "Sea"; exposure of "ev" to sea except "gd-plant""#,
    );
    assert!(close(num(&t.rows[0][2]), 0.568), "{:?}", t.rows);
    // Land = {mine-a (in North), sep, magnets}.
    let ids = |t: &Table| t.rows.iter().map(|r| text(&r[0])).collect::<Vec<_>>();
    assert_eq!(
        ids(&table(&m, r#""Land" except "mine-a""#)),
        ["sep", "magnets"]
    );
    assert_eq!(
        ids(&table(&m, r#""Land" except "North""#)),
        ["sep", "magnets"]
    );
    assert_eq!(
        ids(&table(&m, r#""Sea" intersect nodes where kind = mine"#)),
        ["mine-b"]
    );
    // A region alone, or in a union, lists as itself.
    assert_eq!(ids(&table(&m, r#""Land""#)), ["land"]);
    assert_eq!(ids(&table(&m, r#""Land", "Sea""#)), ["land", "sea"]);
}

#[test]
fn long_chains_print_with_their_parentheses() {
    for q in [
        r#"("a" union "b") intersect "c""#,
        r#""a" union "b" intersect "c" except "d""#,
        r#"("a" except "b" union "c") intersect ("d", "e")"#,
    ] {
        let st = parse::parse_one(q).unwrap();
        let again = parse::parse_one(&st.to_string()).unwrap();
        assert_eq!(st, again, "{q} printed as {st}");
    }
}

// Item 2: a scenario built from another one twice, level after level, compounds per node
// instead of doubling its list of effects at each level.
#[test]
fn doubling_scenarios_stay_small() {
    let m = small();
    let mut script = String::from("scenario s1 = disrupt \"mine-a\" by 50%;\n");
    for i in 2..=40 {
        script.push_str(&format!(
            "scenario s{i} = scenario s{}, scenario s{};\n",
            i - 1,
            i - 1
        ));
    }
    // Two levels: mine-a loses 1 - 0.5^4 = 0.9375 of its output when s3 is used.
    let t = table(&m, &format!("{script} with scenario s3: loss of \"sep\""));
    assert!(close(num(&t.rows[0][2]), 0.6 * 0.9375), "{:?}", t.rows);
    // Forty levels: 2^39 copies of a 50% loss compound to a full one; sep loses mine-a's 0.6,
    // and ev 0.4696 (docs/semantics.md §2).
    let t = table(&m, &format!("{script} with scenario s40: loss of \"ev\""));
    assert!(close(num(&t.rows[0][2]), 0.432 / 0.92), "{:?}", t.rows);
    // Two clauses on one node compound: 1 - 0.5 * 0.8 = 0.6 of mine-a, 0.36 of sep.
    let t = table(
        &m,
        r#"with disrupt "mine-a" by 50%, disrupt "mine-a" by 20%: loss of "sep""#,
    );
    assert!(close(num(&t.rows[0][2]), 0.36), "{:?}", t.rows);
}

/// Loads a TOML model written here.
fn toml_model(text: &str) -> Model {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(&path, text).unwrap();
    let (m, p) = model::load_path(&path).build();
    m.unwrap_or_else(|| panic!("{p}"))
}

/// `m -> p -> q -> t`, with `q` sending scrap back to `p` (half of p's scrap input):
/// w(q) = 1 + 0.5 w(p) and w(p) = w(q), so w(p) = w(q) = 2, and w(m) = w(p) = 2.
const LOOP: &str = r#"
[[node]]
id = "m"
kind = "mine"
[[node]]
id = "p"
kind = "facility"
[[node]]
id = "q"
kind = "facility"
[[node]]
id = "t"
kind = "end_use"
[[edge]]
from = "m"
to = "p"
material = "ore"
[[edge]]
from = "q"
to = "p"
material = "scrap"
share = 0.5
[[edge]]
from = "p"
to = "q"
material = "mid"
[[edge]]
from = "q"
to = "t"
material = "out"
"#;

// Items 5 and 6: explain, one propagation for all targets, says why a reach passes 1.
#[test]
fn explain_on_the_small_model_by_hand() {
    let m = small();
    let t = table(&m, r#"explain exposure of "ev" to "mine-a""#);
    // L(ev) = 0.432 / 0.92; L(magnets) = L(ev) / 0.8; L(sep) = 0.6; L(recycler) = L(ev).
    // Reach: mine-a 0.6 * 0.9 * 0.8, sep 0.72, magnets 0.8, recycler 0.1 * 0.8.
    let lev = 0.432 / 0.92;
    // Contributions: magnets 0.4696, mine-a and sep 0.432 each (tied, so by id), recycler.
    let want = [
        ("magnets", lev / 0.8, 0.8),
        ("mine-a", 1.0, 0.432),
        ("sep", 0.6, 0.72),
        ("recycler", lev, 0.08),
    ];
    assert_eq!(t.rows.len(), want.len(), "{:?}", t.rows);
    for (row, (id, loss, reach)) in t.rows.iter().zip(want) {
        assert_eq!(text(&row[2]), id);
        assert!(close(num(&row[1]), lev));
        assert!(close(num(&row[5]), loss), "{id}: {:?}", row);
        assert!(close(num(&row[6]), reach), "{id}: {:?}", row);
    }
    assert!(!t.notes.iter().any(|n| n.contains("reach above 1")));
}

#[test]
fn explain_says_why_a_reach_passes_one() {
    let m = toml_model(LOOP);
    let t = table(&m, r#"explain exposure of "t" to "m""#);
    // Everything upstream of t is lost (m stops, p loses its whole ore), so each row is
    // loss 1 x reach 2.
    let rows: Vec<(String, f64, f64)> = t
        .rows
        .iter()
        .map(|r| (text(&r[2]), num(&r[5]), num(&r[6])))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (id, loss, reach) in &rows {
        assert!(
            close(*loss, 1.0) && close(*reach, 2.0),
            "{id}: {loss} {reach}"
        );
    }
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("reach above 1") && n.contains("recycling loop")),
        "{:?}",
        t.notes
    );
}

// Item 6: explain of many targets agrees, row by row, with one propagation and a reach over
// the whole cone per target (the former method, by brute force).
#[test]
fn explain_of_many_targets_matches_the_per_target_computation() {
    use supplygraph::analysis::{chokepoints, propagate, reach};
    let dir = tempfile::tempdir().unwrap();
    supplygraph::generate::generate(3000, 7, dir.path()).unwrap();
    let (m, p) = model::load_path(dir.path()).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    let q = r#"explain exposure of nodes where kind = end_use to "Country 1" limit 100000"#;
    let t = table(&m, q);
    assert!(t.rows.len() > 10, "{}", t.rows.len());
    // The brute force: the sources' nodes lost, a propagation, the full reach per target.
    let country = m.find("Country 1").unwrap();
    let sources: Vec<u32> = m
        .flow_nodes()
        .filter(|&v| m.regions_of(v).any(|r| r == country))
        .collect();
    let dis = propagate::Disruption {
        node_loss: sources.iter().map(|&s| (s, 1.0)).collect(),
        ..Default::default()
    };
    let mut prop = propagate::Propagator::new(&m.net, Default::default());
    prop.run(&dis, None);
    let shares = &m.net.in_share;
    let mut want = std::collections::BTreeMap::new();
    for t in m
        .flow_nodes()
        .filter(|&v| m.entity(v).kind.as_str() == "end_use")
    {
        let (up, mask) = chokepoints::cone_of(&m.net, shares, t);
        let w = reach::reach(&m.net, shares, t, &mask);
        for v in up {
            let (l, r) = (prop.loss_of(v), w[v as usize]);
            if l > 0.0 && r > 0.0 {
                want.insert((m.entity(t).id, m.entity(v).id), (l, r));
            }
        }
    }
    assert_eq!(t.rows.len(), want.len());
    for row in &t.rows {
        let key = (text(&row[0]), text(&row[2]));
        let (l, r) = want[&(key.0.as_str(), key.1.as_str())];
        assert!(
            close(num(&row[5]), l) && (num(&row[6]) - r).abs() < 1e-9,
            "{key:?}"
        );
    }
}

// Item 5: group chokepoints say that the target is left out of its own group.
#[test]
fn group_chokepoints_say_the_target_is_left_out() {
    let m = small();
    // magnets lies in Land, with mine-a (in North) and sep. Land's impact on magnets without
    // magnets itself: mine-a and sep lost, so L(magnets) = 0.9 + 0.1 L(recycler), and round
    // the loop L(recycler) = L(ev) = 0.8 L(magnets): L(magnets) = 0.9 / 0.92.
    // Sea (mine-b, recycler, ...): sep loses 0.4, the recycler all: 0.9 * 0.4 + 0.1 = 0.46.
    let t = table(&m, r#"chokepoints of "magnets" by country"#);
    let rows: Vec<(String, f64)> = t.rows.iter().map(|r| (text(&r[0]), num(&r[2]))).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "Land");
    assert!(close(rows[0].1, 0.9 / 0.92), "{rows:?}");
    assert_eq!(rows[1].0, "Sea");
    assert!(close(rows[1].1, 0.46), "{rows:?}");
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("\"magnets\" itself is left out of its country (Land)")),
        "{:?}",
        t.notes
    );
    // ev lies in no country: nothing to say.
    let t = table(&m, r#"chokepoints of "ev" by country"#);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
}

/// A plain-table model without a `level` column: continents > countries > cities, and
/// three mines feeding one separator (0.5 from Baotou, 0.3 from Lyon, 0.2 from `third`).
fn csv_without_levels(third: &str) -> (tempfile::TempDir, Model) {
    let dir = tempfile::tempdir().unwrap();
    let nodes = format!(
        "id,name,kind,stage,region\n\
         asia,Asia,region,,\n\
         cn,China,region,,asia\n\
         baotou,Baotou,region,,cn\n\
         europe,Europe,region,,\n\
         fr,France,region,,europe\n\
         lyon,Lyon,region,,fr\n\
         americas,Americas,region,,\n\
         usa-region,United States,region,,americas\n\
         la,Los Angeles,region,,usa-region\n\
         atl,Atlantis,region,,\n\
         pos,Poseidonia,region,,atl\n\
         m1,Mine 1,mine,mining,baotou\n\
         m2,Mine 2,mine,mining,lyon\n\
         m3,Mine 3,mine,mining,{third}\n\
         p,Plant,facility,separation,baotou\n\
         t,Use,end_use,,\n"
    );
    let edges = "from,to,material,share,volume\n\
                 m1,p,ore,0.5,\n\
                 m2,p,ore,0.3,\n\
                 m3,p,ore,0.2,\n\
                 p,t,oxide,,\n";
    std::fs::write(dir.path().join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
    let (m, p) = model::load_path(dir.path()).build();
    let m = m.unwrap_or_else(|| panic!("{p}"));
    (dir, m)
}

fn pairs(t: &Table, a: usize, b: usize) -> Vec<(String, f64)> {
    t.rows.iter().map(|r| (text(&r[a]), num(&r[b]))).collect()
}

fn same(got: &[(String, f64)], want: &[(&str, f64)]) -> bool {
    got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|((g, x), (w, y))| g == w && close(*x, *y))
}

// Item 3: `by country` without a `level` column recognises countries by ISO 3166 names and
// codes, or says that it cannot tell.
#[test]
fn by_country_without_levels() {
    // "la" is Laos's alpha-2 code, but Los Angeles lies in a region named United States.
    let (_d, m) = csv_without_levels("la");
    // Each country taken whole: China holds m1 and the plant (everything), France m2 (0.3),
    // the United States m3 (0.2).
    let t = table(&m, r#"chokepoints of "t" by country"#);
    let want = [("China", 1.0), ("France", 0.3), ("United States", 0.2)];
    assert!(same(&pairs(&t, 0, 2), &want), "{:?}", t.rows);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
    // Mining splits by reach, 0.5 / 0.3 / 0.2: by country, not by city.
    let t = table(&m, r#"concentration of "t" by country at stage "mining""#);
    assert!(same(
        &pairs(&t, 1, 2),
        &[("China", 0.5), ("France", 0.3), ("United States", 0.2)]
    ));
    let t = table(&m, r#"concentration of "t" by country"#);
    let hhi = t.rows.iter().find(|r| text(&r[0]) == "mining").unwrap()[4].clone();
    assert!(close(num(&hhi), 50.0 * 50.0 + 30.0 * 30.0 + 20.0 * 20.0));

    // A mine in Poseidonia, Atlantis: no country to be found, and the answer says so.
    let (_d, m) = csv_without_levels("pos");
    let t = table(&m, r#"chokepoints of "t" by country"#);
    assert!(
        same(&pairs(&t, 0, 2), &[("China", 1.0), ("France", 0.3)]),
        "{:?}",
        t.rows
    );
    assert!(
        t.notes
            .iter()
            .any(|n| n.contains("cannot tell the country of 1 node")),
        "{:?}",
        t.notes
    );
    let t = table(&m, r#"concentration of "t" by country at stage "mining""#);
    let want = [("China", 0.5), ("France", 0.3), ("(country unknown)", 0.2)];
    assert!(same(&pairs(&t, 1, 2), &want), "{:?}", t.rows);
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("cannot tell the country")));
}

// Item 6: the per-target reach equals the whole-cone one, and stops once cancelled.
#[test]
fn reach_within_a_cone_and_cancelled() {
    use supplygraph::analysis::reach::Reacher;
    use supplygraph::cancel::Cancel;
    let m = small();
    let ev = m.find("ev").unwrap();
    let mut r = Reacher::new(&m.net);
    let go = Cancel::new();
    let got: std::collections::BTreeMap<&str, f64> = r
        .reach_within(&m.net.in_share, ev, |_| true, &go)
        .into_iter()
        .map(|(v, w)| (m.entity(v).id, w))
        .collect();
    // By hand (docs/semantics.md §4): magnets 0.8, import 0.2, gd-plant 1, sep 0.72,
    // recycler 0.1 * 0.8, mines 0.6 and 0.4 of sep's 0.72.
    let want = [
        ("gd-plant", 1.0),
        ("import", 0.2),
        ("magnets", 0.8),
        ("mine-a", 0.432),
        ("mine-b", 0.288),
        ("recycler", 0.08),
        ("sep", 0.72),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (id, w) in want {
        assert!(close(got[id], w), "{id}: {}", got[id]);
    }
    let stop = Cancel::new();
    stop.cancel();
    let got = r.reach_within(&m.net.in_share, ev, |_| true, &stop);
    assert!(got.iter().all(|&(_, w)| w == 0.0), "{got:?}");
}
