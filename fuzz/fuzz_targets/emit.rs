//! `cargo fuzz run emit`: see fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    skillc_fuzz::emit(data);
});
