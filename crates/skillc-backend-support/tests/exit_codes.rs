//! `docs/exit-codes.md` documents exactly the codes `exit` defines.

use skillc_backend_support::exit;
use std::collections::BTreeSet;

#[test]
fn exit_codes_page_agrees_with_the_module() {
    let defined: BTreeSet<i32> = [
        exit::OK,
        exit::NOT_OK,
        exit::VERIFY_FAILED,
        exit::USAGE,
        exit::DATAERR,
        exit::NOUSER,
        exit::UNAVAILABLE,
        exit::SOFTWARE,
        exit::CANTCREAT,
        exit::TEMPFAIL,
        exit::NOPERM,
        exit::CONFIG,
    ]
    .into();
    let page = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/exit-codes.md"),
    )
    .expect("docs/exit-codes.md");
    let documented: BTreeSet<i32> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(documented, defined);
}
