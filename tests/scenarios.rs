//! Every scenario bundled in `scenarios/` runs with its own seed and its
//! report must match the approved snapshot `snapshots/<bot>-<scenario>.snap`
//! (the file `rehearse check` reads and writes too; scenarios that say
//! `snapshot: false` have none). A flow change that moves any
//! number shows up here as a diff to review (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test` to accept everything). `glob!` runs
//! every scenario before failing, so one mismatch does not hide another.

mod common;

use rehearse::load::FileKind;

#[test]
fn every_bundled_scenario_matches_its_approved_report() {
    let scenarios_dir = common::root().join("scenarios");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut seen = 0;
    settings.bind(|| {
        insta::glob!("../scenarios", "*/*.yaml", |file| {
            let loader = rehearse::Loader::new();
            let discovered = loader.discover(&[file.to_path_buf()]).unwrap();
            if discovered.files.first().map(|(_, kind)| *kind) != Some(FileKind::Scenario) {
                return;
            }
            seen += 1;
            let scenario = common::load(file);
            if !scenario.snapshot() {
                return;
            }
            // scenarios/shop/peak-hour.yaml -> snapshots/shop-peak-hour.snap,
            // named and written as `rehearse check` names and writes it.
            let name = rehearse::check::snapshot_name(&scenarios_dir, file);
            let yaml = rehearse::check::snapshot::contents(&common::report(&scenario));
            let mut plain = insta::Settings::clone_current();
            plain.remove_snapshot_suffix();
            plain.remove_input_file();
            plain.bind(|| insta::assert_snapshot!(name, yaml));
        });
    });
    assert!(seen >= 3, "expected the three example bots, found {seen}");
}
