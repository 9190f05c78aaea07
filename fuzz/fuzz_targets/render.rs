//! `cargo fuzz run render`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    skillc_fuzz::render(data);
});
