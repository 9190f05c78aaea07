//! Golden files: every plist, gate and installer generated from the shipped families.

mod common;

#[test]
fn shipped_family_outputs() {
    let ir = common::shipped();
    for f in skillc_backend_launchd::emit(&ir) {
        let name = f.path.replace('/', "__");
        let text = String::from_utf8(f.bytes).expect("utf-8");
        insta::assert_snapshot!(name, text);
    }
}
