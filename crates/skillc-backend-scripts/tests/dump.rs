//! Writes the generated tree to $SKILLC_DUMP (debugging aid; does nothing without it).
mod common;
#[test]
fn dump() {
    let Ok(dir) = std::env::var("SKILLC_DUMP") else {
        return;
    };
    let root = std::path::PathBuf::from(dir);
    common::write_tree(
        &root.join("skills"),
        &skillc_backend_scripts::emit(&common::shipped()),
    );
    let ir = common::load_ok(&[
        common::crate_dir().join("tests/fixtures/lab"),
        common::repo().join("skills/launchd-doctor"),
    ]);
    common::write_tree(&root.join("lab"), &skillc_backend_scripts::emit(&ir));
}
