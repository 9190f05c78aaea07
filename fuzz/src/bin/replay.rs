//! Stable-Rust harness for the fuzz targets.
//!
//! ```text
//! replay TARGET PATH...                  run every file (or every file in each directory)
//! replay TARGET --mutate N [--seed S] PATH...
//!                                        also run N random mutations of those inputs
//! ```
//! TARGET is `load`, `expr`, `pipeline`, `backends`, `emit` or `render`. Exits 1 when an input panics and prints its path (a
//! mutated input that panics is written to `fuzz/artifacts/<target>/crash-<n>`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn target(name: &str) -> Option<fn(&[u8])> {
    match name {
        "load" => Some(skillc_fuzz::load),
        "expr" => Some(skillc_fuzz::expr),
        "pipeline" => Some(skillc_fuzz::pipeline),
        "backends" => Some(skillc_fuzz::backends),
        "emit" => Some(skillc_fuzz::emit),
        "render" => Some(skillc_fuzz::render),
        _ => None,
    }
}

fn inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            files.retain(|f| f.is_file());
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\n",
    b"  ",
    b"- ",
    b": ",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"&a ",
    b"*a",
    b"!!str ",
    b"'",
    b"\"",
    b"#",
    b"|",
    b">",
    b"\t",
    b"\0",
    b"\xFF",
    b"\xEF\xBB\xBF",
    b"&&",
    b"||",
    b"!",
    b"(",
    b")",
    b"==",
    b"ready(service)",
    b"param(\"x\")",
    b"1s",
    b"-1",
    b"99999999999999999999",
    b"L1",
    b"daemon",
    b"session",
    b"bus:",
    b"/",
    b"../",
    b"{param.x}",
    b"{service.id}",
    b"\\u0001",
];

fn mutate(rng: &mut Rng, base: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(5) {
            0 if !v.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            3 if !corpus.is_empty() => {
                // Splice a slice of another input.
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                let to = (from + rng.below(64)).min(other.len());
                v.splice(at..at, other[from..to].iter().copied());
            }
            _ if !v.is_empty() => {
                // Duplicate a slice (grows nesting and repetition).
                let from = rng.below(v.len());
                let to = (from + rng.below(32)).min(v.len());
                let slice = v[from..to].to_vec();
                v.splice(at..at, slice);
            }
            _ => v.push(b'x'),
        }
    }
    v
}

fn runs_clean(f: fn(&[u8]), data: &[u8]) -> bool {
    std::panic::catch_unwind(|| f(data)).is_ok()
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: replay load|expr|pipeline|backends|emit|render [--mutate N] [--seed S] PATH...";
    if args.is_empty() {
        eprintln!("{usage}");
        return ExitCode::from(2);
    }
    let name = args.remove(0);
    let Some(f) = target(&name) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let mut mutations = 0usize;
    let mut seed = 0x5EED_u64;
    let mut paths = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mutate" => mutations = it.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--seed" => seed = it.next().and_then(|n| n.parse().ok()).unwrap_or(seed),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    // Keep panics quiet; the harness reports which input failed.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    let files = inputs(&paths);
    let corpus: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let mut crashes = 0usize;
    for (path, data) in files.iter().zip(&corpus) {
        if !runs_clean(f, data) {
            eprintln!("CRASH {}", path.display());
            crashes += 1;
        }
    }
    let mut rng = Rng(seed | 1);
    let artifacts = Path::new("fuzz/artifacts").join(&name);
    for n in 0..mutations {
        if corpus.is_empty() {
            break;
        }
        let base = &corpus[rng.below(corpus.len())];
        let data = mutate(&mut rng, base, &corpus);
        if !runs_clean(f, &data) {
            let _ = std::fs::create_dir_all(&artifacts);
            let out = artifacts.join(format!("crash-{n}"));
            let _ = std::fs::write(&out, &data);
            eprintln!("CRASH (mutation {n}) saved to {}", out.display());
            crashes += 1;
        }
    }
    println!(
        "{name}: {} inputs, {mutations} mutations, {crashes} crashes",
        corpus.len()
    );
    if crashes == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
