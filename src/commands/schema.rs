//! `skillc schema`: the JSON Schema of skill files.

use crate::cli::SchemaArgs;
use crate::exit;

/// File name of the schema inside `--out`.
pub(crate) const SCHEMA_FILE: &str = "skillc.schema.json";

pub(crate) fn run(args: &SchemaArgs) -> u8 {
    let text = skillc_syntax::json_schema_string();
    let Some(dir) = &args.out else {
        print!("{text}");
        return exit::OK;
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("skillc: error: cannot create {}: {e}", dir.display());
        return exit::USAGE;
    }
    let path = dir.join(SCHEMA_FILE);
    let tmp = dir.join(format!(".{SCHEMA_FILE}.tmp"));
    match std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &path)) {
        Ok(()) => exit::OK,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("skillc: error: cannot write {}: {e}", path.display());
            exit::USAGE
        }
    }
}
