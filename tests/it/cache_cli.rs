//! The parse cache seen from the command line: a warm run reports exactly what a cold run and a
//! `--no-cache` run report, an edited file is parsed again, a broken or unwritable cache never
//! changes a result, and `build` never uses the cache.

use crate::common;

use common::{Run, repo, tree};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `skillc args` in `cwd` with the parse cache in `cache` (`None`: SKILLC_NO_CACHE=1).
fn run(args: &[&str], cwd: &Path, cache: Option<&Path>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skillc"));
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SKILLC_NO_CACHE")
        .env_remove("SKILLC_CACHE_DIR");
    match cache {
        Some(dir) => cmd.env("SKILLC_CACHE_DIR", dir),
        None => cmd.env("SKILLC_NO_CACHE", "1"),
    };
    let out = cmd.output().expect("run skillc");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// (hits, misses) from `--timings` output.
fn cache_stats(stderr: &str) -> Option<(usize, usize)> {
    let rest = stderr.split("(parse cache: ").nth(1)?;
    let (hits, rest) = rest.split_once(" hits, ")?;
    let (misses, _) = rest.split_once(" misses)")?;
    Some((hits.parse().ok()?, misses.parse().ok()?))
}

fn yaml_count(dirs: &[PathBuf]) -> usize {
    dirs.iter().map(|d| common::yaml_files(d).len()).sum()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn warm_runs_report_exactly_what_cold_and_uncached_runs_report() {
    // Beside the shipped families, one family per analysis rule: its page's Bad example.
    let bad: Vec<(String, String)> = skillc_analysis::rules()
        .map(|r| {
            let yaml = r.example("Bad").unwrap_or_else(|| panic!("{}: Bad", r.id));
            (format!("{}/family.yaml", r.id), yaml)
        })
        .collect();
    let broken = tree(
        &bad.iter()
            .map(|(p, y)| (p.as_str(), y.as_str()))
            .collect::<Vec<_>>(),
    );
    let mut inputs: Vec<(PathBuf, Vec<String>)> = [
        &["skills"][..],
        &["skills", "examples/quickstart"],
        &["examples/minimal"],
    ]
    .iter()
    .map(|paths| (repo(), paths.iter().map(|p| (*p).to_owned()).collect()))
    .collect();
    assert!(bad.len() > 10, "{bad:?}");
    inputs.extend(
        skillc_analysis::rules().map(|r| (broken.path().to_owned(), vec![r.id.to_owned()])),
    );
    let cache = tempfile::tempdir().expect("cache dir");
    for (cwd, paths) in inputs {
        let args: Vec<&str> = ["check", "--format", "json", "--timings"]
            .into_iter()
            .chain(paths.iter().map(String::as_str))
            .collect();
        let uncached = run(&args, &cwd, None);
        let cold = run(&args, &cwd, Some(cache.path()));
        let warm = run(&args, &cwd, Some(cache.path()));
        assert_eq!(cold.stdout, uncached.stdout, "{paths:?}: cold run differs");
        assert_eq!(warm.stdout, uncached.stdout, "{paths:?}: warm run differs");
        assert_eq!(warm.code, uncached.code, "{paths:?}");
        assert_eq!(cache_stats(&uncached.stderr), None, "{}", uncached.stderr);
        // Every file that parses is a hit on the warm run; a file with a syntax error is parsed
        // (and reported) every time.
        let (hits, misses) = cache_stats(&warm.stderr).expect("stats");
        let files = yaml_count(&paths.iter().map(|p| cwd.join(p)).collect::<Vec<_>>());
        assert_eq!(hits + misses, files, "{paths:?}: {}", warm.stderr);
        if warm.code == 0 {
            assert_eq!(misses, 0, "{paths:?}: {}", warm.stderr);
        }
    }
}

#[test]
fn an_edited_file_is_parsed_again() {
    let good = "family:\n  name: shop\n  version: 1.0.0\n  description: d\n  label_prefix: org.example.shop\n";
    let svc = "services:\n  web:\n    description: web\n    layer: L3\n    scope: session\n    run: { program: /usr/local/bin/web }\n    readiness: { probe: 'tcp(\"127.0.0.1:8080\")' }\n";
    let dir = tree(&[("shop/family.yaml", good), ("shop/services.yaml", svc)]);
    let cache = tempfile::tempdir().expect("cache dir");
    let args = ["check", "shop", "--format", "short", "--timings"];
    let first = run(&args, dir.path(), Some(cache.path()));
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(cache_stats(&first.stderr), Some((0, 2)), "{}", first.stderr);
    let second = run(&args, dir.path(), Some(cache.path()));
    assert_eq!(
        cache_stats(&second.stderr),
        Some((2, 0)),
        "{}",
        second.stderr
    );

    // Same length, one byte different: a type error the cached tree does not have.
    std::fs::write(
        dir.path().join("shop/services.yaml"),
        svc.replace("layer: L3", "layer: L9"),
    )
    .expect("edit");
    let edited = run(&args, dir.path(), Some(cache.path()));
    assert_eq!(edited.code, 1, "{edited:?}");
    assert!(
        edited.stdout.contains("services.yaml:4:12"),
        "{}",
        edited.stdout
    );
    assert!(edited.stdout.contains("L9"), "{}", edited.stdout);
    assert_eq!(
        cache_stats(&edited.stderr),
        Some((1, 1)),
        "{}",
        edited.stderr
    );

    // Back to the first text: a hit again, and clean again.
    std::fs::write(dir.path().join("shop/services.yaml"), svc).expect("restore");
    let restored = run(&args, dir.path(), Some(cache.path()));
    assert_eq!(restored.code, 0, "{restored:?}");
}

#[test]
fn a_broken_cache_file_changes_nothing() {
    let cache = tempfile::tempdir().expect("cache dir");
    let args = ["check", "skills", "--format", "json"];
    let reference = run(&args, &repo(), None);
    let _ = run(&args, &repo(), Some(cache.path()));
    let files = entries(cache.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let good = std::fs::read(&files[0]).expect("read cache");
    let mut flipped = good.clone();
    for i in (100..flipped.len()).step_by(997) {
        flipped[i] ^= 0x5a;
    }
    for bad in [
        Vec::new(),
        b"skillc-parse-cache 1\n".to_vec(),
        good[..good.len() / 2].to_vec(),
        flipped,
    ] {
        std::fs::write(&files[0], &bad).expect("write cache");
        let r = run(&args, &repo(), Some(cache.path()));
        assert_eq!(r.code, reference.code, "{}", r.stderr);
        assert_eq!(r.stdout, reference.stdout);
        assert!(!r.stderr.contains("internal error"), "{}", r.stderr);
    }
}

#[test]
fn an_unusable_cache_dir_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a dir").expect("write");
    let args = ["check", "skills", "--format", "json"];
    let reference = run(&args, &repo(), None);
    for cache in [file.join("sub"), file.clone()] {
        let r = run(&args, &repo(), Some(&cache));
        assert_eq!(r.code, reference.code, "{}", r.stderr);
        assert_eq!(r.stdout, reference.stdout);
    }
}

#[test]
fn no_cache_and_build_write_no_cache() {
    let cache = tempfile::tempdir().expect("cache dir");
    let r = run(
        &["check", "skills", "--no-cache", "--timings"],
        &repo(),
        Some(cache.path()),
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(cache_stats(&r.stderr), None, "{}", r.stderr);
    assert!(entries(cache.path()).is_empty());

    let out = tempfile::tempdir().expect("out");
    let target = out.path().join("build");
    let b = run(
        &[
            "build",
            "skills",
            "--timings",
            "--out",
            target.to_str().expect("utf-8"),
        ],
        &repo(),
        Some(cache.path()),
    );
    assert_eq!(b.code, 0, "{b:?}");
    assert_eq!(cache_stats(&b.stderr), None, "{}", b.stderr);
    assert!(
        entries(cache.path()).is_empty(),
        "{:?}",
        entries(cache.path())
    );
}

#[test]
fn cache_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("tmp");
    let cache = root.path().join("skillc");
    let r = run(&["check", "skills"], &repo(), Some(&cache));
    assert_eq!(r.code, 0, "{r:?}");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&cache), 0o700);
    let files = entries(&cache);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
}
