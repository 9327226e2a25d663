//! Every scenario bundled in `scenarios/` runs with its own seed and its
//! report must match the approved snapshot in `snapshots/`. A flow change
//! that moves any number shows up here as a diff to review (`cargo insta
//! review`, or `INSTA_UPDATE=always cargo test` to accept everything).

mod common;

use rehearse::load::discover_scenarios;
use rehearse::report::{Format, Style, render};

#[test]
fn every_bundled_scenario_matches_its_approved_report() {
    let scenarios_dir = common::root().join("scenarios");
    let files = discover_scenarios(std::slice::from_ref(&scenarios_dir)).unwrap();
    assert!(
        files.len() >= 3,
        "expected the three example bots, found {files:?}"
    );

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for file in files {
            let relative = file.strip_prefix(&scenarios_dir).unwrap();
            // scenarios/shop/peak-hour.yaml -> snapshots/shop-peak-hour.snap
            let name = relative
                .with_extension("")
                .to_string_lossy()
                .replace(['/', '\\'], "-");
            let scenario = common::load(&file);
            let yaml = render(&[common::report(&scenario)], Format::Yaml, Style::default());
            insta::assert_snapshot!(name, yaml);
        }
    });
}
