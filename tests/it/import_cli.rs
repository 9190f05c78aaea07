//! `skillc import`: the real-world corpus round trip (checked by Python's plistlib and libplist's
//! plistutil, independent of skillc's own plist crate), and attacks on the command: hostile
//! strings, expanding binary plists, deep nesting, and writes outside `--out`.

use crate::common::{repo, skillc, snapshot, tool_available};
use std::path::{Path, PathBuf};
use std::process::Command;

const CORPUS: &str = "tests/fixtures/plists/real";

#[derive(Debug, serde::Deserialize)]
struct Provenance {
    plist: Vec<Entry>,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Entry {
    file: String,
    repository: String,
    path: String,
    commit: String,
    licence: String,
    kind: String,
    format: String,
    note: String,
}

fn provenance() -> Provenance {
    let text = std::fs::read_to_string(repo().join(CORPUS).join("provenance.toml"))
        .expect("provenance.toml");
    toml::from_str(&text).expect("provenance.toml parses")
}

#[test]
fn every_corpus_plist_has_provenance_and_every_entry_a_file() {
    let p = provenance();
    assert!(p.plist.len() >= 30, "only {} plists", p.plist.len());
    let mut on_disk: Vec<String> = std::fs::read_dir(repo().join(CORPUS))
        .expect("corpus dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| Path::new(n).extension().is_some_and(|x| x == "plist"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = p.plist.iter().map(|e| e.file.clone()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "files and provenance entries differ");
    let mut repos = std::collections::BTreeSet::new();
    for e in &p.plist {
        assert!(
            e.commit.len() == 40 && e.commit.chars().all(|c| c.is_ascii_hexdigit()),
            "{}: commit {}",
            e.file,
            e.commit
        );
        assert!(e.repository.contains('/') && !e.path.is_empty() && !e.licence.is_empty());
        assert!(
            ["daemon", "agent", "unknown"].contains(&e.kind.as_str()),
            "{}",
            e.file
        );
        assert!(
            ["xml", "binary", "ascii"].contains(&e.format.as_str()),
            "{}",
            e.file
        );
        repos.insert(
            e.repository
                .split('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert!(repos.len() >= 5, "too few owners: {repos:?}");
}

/// The corpus laid out as on a Mac: agents under LaunchAgents, the rest under LaunchDaemons.
fn corpus_as_installed(dir: &Path) -> (PathBuf, PathBuf) {
    let daemons = dir.join("Library/LaunchDaemons");
    let agents = dir.join("Library/LaunchAgents");
    std::fs::create_dir_all(&daemons).expect("mkdir");
    std::fs::create_dir_all(&agents).expect("mkdir");
    for e in provenance().plist {
        let to = if e.kind == "agent" { &agents } else { &daemons };
        std::fs::copy(repo().join(CORPUS).join(&e.file), to.join(&e.file)).expect("copy");
    }
    (daemons, agents)
}

#[test]
fn corpus_round_trip_holds_key_by_key_under_independent_parsers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (daemons, agents) = corpus_as_installed(tmp.path());
    let out = tmp.path().join("repo");
    let run = skillc(
        &[
            "import",
            daemons.to_str().expect("utf8"),
            agents.to_str().expect("utf8"),
            "--family",
            "corpus",
            "--out",
            out.to_str().expect("utf8"),
            "--relabel",
            "com.apple=org.example.apple",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    let summary: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    // The one refusal: kubo ships a template whose program is `{{IPFS_BIN}}`.
    let refused: Vec<&str> = summary["refused"]
        .as_array()
        .expect("refused")
        .iter()
        .map(|r| r["source"].as_str().expect("source"))
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].ends_with("kubo-io.ipfs.ipfs-daemon.plist"));
    assert_eq!(run.code, 1, "a refusal exits 1");
    let jobs = summary["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), provenance().plist.len() - 1);
    // The directory decided the scope.
    for j in jobs {
        let src = j["source"].as_str().expect("source");
        let want = if src.contains("/LaunchAgents/") {
            "session"
        } else {
            "daemon"
        };
        assert_eq!(j["scope"], want, "{src}");
    }
    let summary_path = tmp.path().join("summary.json");
    std::fs::write(&summary_path, &run.stdout).expect("write summary");

    let family = out.join("corpus");
    let check = skillc(&["check", family.to_str().expect("utf8")], tmp.path());
    assert_eq!(
        check.code, 0,
        "imported YAML must check:\n{}{}",
        check.stdout, check.stderr
    );
    let build_dir = tmp.path().join("built");
    let build = skillc(
        &[
            "build",
            family.to_str().expect("utf8"),
            "--out",
            build_dir.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(build.code, 0, "{}{}", build.stdout, build.stderr);

    let mut args = vec![
        repo()
            .join("tests/it/import_roundtrip.py")
            .display()
            .to_string(),
        summary_path.display().to_string(),
        build_dir.display().to_string(),
        "corpus".to_owned(),
    ];
    if tool_available("plistutil", &["-h"]) {
        args.push("plistutil".to_owned());
    }
    let py = Command::new("python3")
        .args(&args)
        .output()
        .expect("python3");
    let report = String::from_utf8_lossy(&py.stdout);
    assert!(
        py.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&py.stderr)
    );
    // Most keys come back exactly as written.
    let count = |name: &str| -> usize {
        report
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{name}=")))
            .and_then(|n| n.parse().ok())
            .expect("count")
    };
    assert!(count("equal_keys") > count("changed_keys"), "{report}");
}

#[test]
fn import_is_deterministic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (daemons, _) = corpus_as_installed(tmp.path());
    let mut trees = Vec::new();
    for n in ["a", "b"] {
        let out = tmp.path().join(n);
        skillc(
            &[
                "import",
                daemons.to_str().expect("utf8"),
                "--relabel",
                "com.apple=org.example.apple",
                "--out",
                out.to_str().expect("utf8"),
            ],
            tmp.path(),
        );
        trees.push(snapshot(&out));
    }
    assert!(!trees[0].is_empty());
    assert_eq!(trees[0], trees[1]);
}

fn write_plist(dir: &Path, name: &str, xml_body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n{xml_body}</dict>\n</plist>\n"
        ),
    )
    .expect("write plist");
    p
}

const GOOD: &str = "<key>Label</key><string>org.example.good</string>\n<key>ProgramArguments</key><array><string>/usr/bin/true</string></array>\n";

#[test]
fn hostile_strings_survive_the_yaml_and_come_back_byte_for_byte() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let values = [
        "line1\nline2",
        "it's \"q\" #no comment",
        "*alias",
        "&anchor",
        "!!python/object:os.system",
        "? key",
        "- item",
        "null",
        "0x1F",
        "1e3",
        "~",
        "é✓😀",
        "",
        "{a: b}",
        "[x]",
        "  lead",
        "%TAG",
        "@x",
        "`x`",
        "a: b",
        "yes",
        "\ttab",
        "x\\y",
        "{service.label}",
        "on",
        "0027",
    ];
    let script = format!(
        "import plistlib,sys\nvals={values:?}\nd={{'Label':'org.example.hostile','ProgramArguments':['/usr/bin/env']+vals,'EnvironmentVariables':{{f'V{{i}}':v for i,v in enumerate(vals)}}}}\nopen(sys.argv[1],'wb').write(plistlib.dumps(d))\n"
    );
    let src = tmp.path().join("LaunchDaemons/hostile.plist");
    std::fs::create_dir_all(src.parent().expect("parent")).expect("mkdir");
    let ok = Command::new("python3")
        .args(["-c", &script, src.to_str().expect("utf8")])
        .status()
        .expect("python3");
    assert!(ok.success());
    let out = tmp.path().join("repo");
    let run = skillc(
        &[
            "import",
            src.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let built = tmp.path().join("built");
    let b = skillc(
        &[
            "build",
            out.join("imported").to_str().expect("utf8"),
            "--out",
            built.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    let cmp = "import plistlib,sys\na=plistlib.load(open(sys.argv[1],'rb'));b=plistlib.load(open(sys.argv[2],'rb'))\nenv={k:v for k,v in b['EnvironmentVariables'].items() if k!='PATH'}\nassert a['ProgramArguments']==b['ProgramArguments'],(a['ProgramArguments'],b['ProgramArguments'])\nassert a['EnvironmentVariables']==env,(a['EnvironmentVariables'],env)\n";
    let py = Command::new("python3")
        .args([
            "-c",
            cmp,
            src.to_str().expect("utf8"),
            built
                .join("imported/LaunchDaemons/org.example.hostile.plist")
                .to_str()
                .expect("utf8"),
        ])
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
}

#[test]
fn expanding_and_deep_plists_are_refused_in_bounded_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // A 300-byte binary plist whose shared references expand to 2^40 values, and an XML plist
    // nested 100,000 levels deep.
    let script = "import plistlib,sys\na=['x']\nfor i in range(40): a=[a,a]\nopen(sys.argv[1],'wb').write(plistlib.dumps({'Label':'org.example.bomb','ProgramArguments':['/bin/true'],'Bomb':a},fmt=plistlib.FMT_BINARY))\n";
    let bomb = tmp.path().join("bomb.plist");
    assert!(
        Command::new("python3")
            .args(["-c", script, bomb.to_str().expect("utf8")])
            .status()
            .expect("python3")
            .success()
    );
    let deep = write_plist(
        tmp.path(),
        "deep.plist",
        &format!(
            "<key>Label</key><string>org.example.deep</string><key>X</key>{}{}",
            "<array>".repeat(100_000),
            "</array>".repeat(100_000)
        ),
    );
    let good = write_plist(tmp.path(), "good.plist", GOOD);
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    let run = Command::new("/usr/bin/timeout")
        .args(["60", env!("CARGO_BIN_EXE_skillc"), "import"])
        .args([&bomb, &deep, &good])
        .arg("--out")
        .arg(&out)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(started.elapsed().as_secs() < 60);
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let reasons: Vec<String> = summary["refused"]
        .as_array()
        .expect("refused")
        .iter()
        .map(|r| r["reason"].as_str().expect("reason").to_owned())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("more than 100000 values")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("levels deep")),
        "{reasons:?}"
    );
    assert_eq!(
        summary["jobs"].as_array().expect("jobs").len(),
        1,
        "the good file is still imported"
    );
}

#[test]
fn bad_inputs_are_refused_each_with_its_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let files = [
        write_plist(
            d,
            "nolabel.plist",
            "<key>ProgramArguments</key><array><string>/bin/true</string></array>\n",
        ),
        write_plist(
            d,
            "relative.plist",
            "<key>Label</key><string>org.example.rel</string><key>ProgramArguments</key><array><string>sshd</string></array>\n",
        ),
        write_plist(
            d,
            "apple.plist",
            "<key>Label</key><string>com.apple.thing</string><key>Program</key><string>/usr/libexec/thing</string>\n",
        ),
        write_plist(
            d,
            "badlabel.plist",
            "<key>Label</key><string>bad label: x</string><key>Program</key><string>/bin/true</string>\n",
        ),
        write_plist(d, "good.plist", GOOD),
    ];
    std::fs::write(d.join("notaplist.plist"), "this is not a plist").expect("write");
    std::fs::write(
        d.join("broken.plist"),
        "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>Label</key>",
    )
    .expect("write");
    std::fs::write(
        d.join("array.plist"),
        "<?xml version=\"1.0\"?><plist version=\"1.0\"><array/></plist>",
    )
    .expect("write");
    let out = d.join("out");
    let run = skillc(
        &[
            "import",
            d.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
            "--format",
            "json",
        ],
        d,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let reason = |file: &str| -> String {
        summary["refused"]
            .as_array()
            .expect("refused")
            .iter()
            .find(|r| r["source"].as_str().is_some_and(|s| s.ends_with(file)))
            .map_or_else(
                || panic!("{file} not refused: {summary}"),
                |r| r["reason"].as_str().expect("reason").to_owned(),
            )
    };
    assert!(reason("nolabel.plist").contains("no `Label`"));
    assert!(reason("relative.plist").contains("not an absolute path"));
    assert!(reason("apple.plist").contains("--relabel"));
    assert!(reason("badlabel.plist").contains("launchd-label-invalid"));
    assert!(
        !reason("badlabel.plist").contains("services/"),
        "no position in YAML never written"
    );
    // Read as an ASCII plist, text is a bare string: not a job.
    assert!(reason("notaplist.plist").contains("not a dictionary"));
    assert!(reason("broken.plist").contains("not a readable property list"));
    assert!(reason("array.plist").contains("not a dictionary"));
    assert_eq!(summary["jobs"].as_array().expect("jobs").len(), 1);
    assert!(out.join("imported/services/good.yaml").is_file());
    let _ = files;
}

#[test]
fn ascii_and_binary_plists_import() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ascii = tmp.path().join("a.plist");
    std::fs::write(&ascii, "{\n  Label = \"org.example.ascii\";\n  ProgramArguments = ( \"/usr/bin/true\", \"-x\" );\n  EnvironmentVariables = { A = \"b c\"; };\n}\n").expect("write");
    let run = skillc(
        &[
            "import",
            ascii.to_str().expect("utf8"),
            "--dry-run",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let s: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(s["jobs"][0]["format"], "ascii");
    assert_eq!(s["written"], false);
    assert!(
        !tmp.path().join("imported").exists(),
        "--dry-run writes nothing"
    );
    let racoon = repo().join(CORPUS).join("ipsec-com.apple.racoon.plist");
    let run = skillc(
        &[
            "import",
            racoon.to_str().expect("utf8"),
            "--relabel",
            "com.apple=org.example",
            "--dry-run",
            "--format",
            "json",
        ],
        tmp.path(),
    );
    let s: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(s["jobs"][0]["format"], "binary", "{s}");
}

#[test]
fn nothing_is_written_outside_out_or_over_existing_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = write_plist(tmp.path(), "good.plist", GOOD);
    let out = tmp.path().join("out");
    // An existing, non-empty family directory is never replaced or merged into.
    std::fs::create_dir_all(out.join("imported")).expect("mkdir");
    std::fs::write(out.join("imported/keep.txt"), "mine").expect("write");
    let before = snapshot(tmp.path());
    let run = skillc(
        &[
            "import",
            src.to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert_eq!(snapshot(tmp.path()), before, "nothing changed");
    // A family directory that is a symbolic link to somewhere else is refused.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let out2 = tmp.path().join("out2");
    std::fs::create_dir_all(&out2).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, out2.join("imported")).expect("symlink");
    let run = skillc(
        &[
            "import",
            src.to_str().expect("utf8"),
            "--out",
            out2.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        std::fs::read_dir(&elsewhere)
            .expect("read")
            .next()
            .is_none(),
        "nothing written through the link"
    );
    // A fresh import writes only OUT/FAMILY, and leaves no staging directory behind.
    let out3 = tmp.path().join("out3");
    let before: Vec<String> = snapshot(tmp.path()).into_keys().collect();
    let run = skillc(
        &[
            "import",
            src.to_str().expect("utf8"),
            "--out",
            out3.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after: Vec<String> = snapshot(tmp.path())
        .into_keys()
        .filter(|k| !before.contains(k))
        .collect();
    assert_eq!(
        after,
        vec![
            "out3/imported/family.yaml".to_owned(),
            "out3/imported/services/good.yaml".to_owned()
        ]
    );
    // Family names are ids: no path can be smuggled through --family.
    let run = skillc(
        &[
            "import",
            src.to_str().expect("utf8"),
            "--family",
            "../x",
            "--out",
            out3.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(run.code, 2);
}

/// An agent read from a user's own `~/Library/LaunchAgents` (`/Users/NAME/...`, as brew services
/// and home-manager install them) becomes that user's per-user agent, and the family checks and
/// builds; the same file from `/Library/LaunchAgents` stays an agent for every user.
#[test]
fn an_agent_from_a_users_home_is_imported_as_that_users_agent() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("Users/alice/Library/LaunchAgents");
    let shared = tmp.path().join("Library/LaunchAgents");
    for d in [&home, &shared] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    write_plist(
        &home,
        "org.example.mine.plist",
        &GOOD.replace("good", "mine"),
    );
    write_plist(
        &shared,
        "org.example.ours.plist",
        &GOOD.replace("good", "ours"),
    );
    let out = tmp.path().join("fam");
    let r = skillc(
        &[
            "import",
            home.to_str().expect("utf8"),
            shared.to_str().expect("utf8"),
            "--family",
            "desk",
            "--out",
            out.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mine = std::fs::read_to_string(out.join("desk/services/mine.yaml")).expect("mine");
    assert!(mine.contains("for_user: alice"), "{mine}");
    let ours = std::fs::read_to_string(out.join("desk/services/ours.yaml")).expect("ours");
    assert!(!ours.contains("for_user"), "{ours}");
    let fam = out.join("desk");
    let built = tmp.path().join("built");
    let b = skillc(
        &[
            "build",
            fam.to_str().expect("utf8"),
            "--out",
            built.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    let install = std::fs::read_to_string(built.join("desk/install.sh")).expect("install.sh");
    assert!(install.contains("user_put 'alice'"), "{install}");
}
