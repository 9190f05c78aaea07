//! The command line (clap derive).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "skillc",
    version,
    about = "Compiler and static analyzer for declarative remediation skills",
    long_about = "skillc checks skill families (YAML descriptions of launchd services and the ways they fail) \
and compiles them into launchd property lists and policy-gated remediation scripts.",
    after_help = "Exit codes: 0 no error, 1 findings, 2 usage error or unreadable input, 3 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check skill families and report every finding.
    Check(CheckArgs),
    /// Check, then compile into launchd plists, readiness gates and install scripts.
    Build(BuildArgs),
    /// List every failure mode (skill) with its risk and the approval its policy demands.
    Catalog(CatalogArgs),
    /// Sign an approval of one plan with your SSH key, or show what a token approves.
    ///
    /// Signs, on your own machine and with your own SSH key (`ssh-keygen -Y sign`, namespace
    /// skillc-approval), one plan of one remediation script, and prints a one-line token for the
    /// script's --token. The host holds only public keys (its allowed_signers trust file). A token
    /// binds the skill, the target, the plan hash (the plan, its run-time values and the facts it
    /// acts on), an expiry, a random nonce (a token works once) and your name.
    ///
    /// Sign from the plan itself: `SCRIPT --json [--param ...] > plan.json`, then `skillc approve
    /// --plan plan.json --key ~/.ssh/id_ed25519 --approver alice`; what is approved (skill,
    /// target, plan hash, run-time values, facts, steps, expiry) is printed before signing.
    /// `skillc approve --show TOKEN [--plan plan.json]` lists what a token approves.
    Approve(ApproveArgs),
    /// Serve a built tree's skills to AI agents: an MCP server on stdio.
    ///
    /// Offers, for each family, a read-only doctor tool, and for each skill the server's user may
    /// run (the policy's runners) on targets no step of which the policy denies: `diagnose` and
    /// `plan` (read-only) and `apply` (takes the plan hash). Every call runs the tree's own
    /// scripts, which enforce the policy and audit the call with the MCP client's name. `confirm`
    /// steps are confirmed by the person through the client's elicitation; `approve` steps need
    /// approvals people sign with `skillc approve`. See docs/agents.md.
    Mcp(McpArgs),
    /// Draw the service dependency graph, or print the start order.
    Graph(GraphArgs),
    /// Write the JSON Schema of skill files.
    Schema(SchemaArgs),
    /// Print the page of a rule: what it checks, why, a bad and a good example.
    Explain(ExplainArgs),
    /// Start a repository: a family (one service, one skill, a policy) that checks clean and
    /// builds, with skillc.toml, the JSON Schema and a pre-commit configuration.
    Init(InitArgs),
    /// Turn existing launchd property lists into a skill family.
    ///
    /// Reads XML, binary and ASCII plists (files, or every `*.plist` of a directory such as
    /// ~/Library/LaunchAgents) and writes OUT/FAMILY/: family.yaml and one services/<id>.yaml per
    /// job, with typed fields, keys skillc has no field for under `run.launchd`, and a comment
    /// for every key it could not map. The YAML is checked before anything is written, and
    /// `skillc build` of it gives each original plist back key by key except the changes the
    /// summary lists. See docs/import.md.
    Import(ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a directory.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The repository directory; the family goes into DIR/NAME.
    #[arg(default_value = ".")]
    pub(crate) dir: PathBuf,
    /// The family's name (default: DIR's name, lowercased).
    #[arg(long)]
    pub(crate) name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Property lists, or directories whose `*.plist` files are read.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// The family's name; its directory is OUT/NAME.
    #[arg(long, default_value = "imported")]
    pub(crate) family: String,
    /// Where the family directory is created (it must not exist yet, or be empty).
    #[arg(long, default_value = ".")]
    pub(crate) out: PathBuf,
    /// The scope of every job (default: from each file's directory, LaunchAgents or
    /// LaunchDaemons, else from its keys).
    #[arg(long, value_enum)]
    pub(crate) scope: Option<ImportScope>,
    /// The layer written for every service (choose per service afterwards).
    #[arg(long, value_enum, default_value_t = ImportLayer::L2)]
    pub(crate) layer: ImportLayer,
    /// Format of the summary on stdout.
    #[arg(long, value_enum, default_value_t = ImportFormat::Human)]
    pub(crate) format: ImportFormat,
    /// Replace a label prefix, OLD=NEW (repeatable): import a copy of a job under your own name,
    /// e.g. --relabel com.apple=org.example.apple. Jobs left in Apple's namespace are refused.
    #[arg(long, value_name = "OLD=NEW", value_parser = parse_relabel)]
    pub(crate) relabel: Vec<(String, String)>,
    /// Check and print the summary, but write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

fn parse_relabel(s: &str) -> Result<(String, String), String> {
    let (from, to) = s
        .split_once('=')
        .ok_or_else(|| "expected OLD=NEW, e.g. com.apple=org.example.apple".to_owned())?;
    let ok = |p: &str| {
        !p.is_empty()
            && p.split('.').all(|c| {
                !c.is_empty()
                    && c.chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
            })
    };
    if ok(from) && ok(to) {
        Ok((from.to_owned(), to.to_owned()))
    } else {
        Err("OLD and NEW must be dotted label prefixes (letters, digits, `-`, `_`)".into())
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ImportScope {
    Daemon,
    Session,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ImportLayer {
    #[value(name = "L1")]
    L1,
    #[value(name = "L2")]
    L2,
    #[value(name = "L3")]
    L3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// Write `skillc.1` and `skillc-<command>.1` into this directory instead of printing
    /// `skillc.1`.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Families to check: directories (searched for family.yaml) or files of a family. Default:
    /// `./skills` when that directory exists, else the current directory.
    pub(crate) paths: Vec<PathBuf>,
    /// Output format; `github` is the default when GITHUB_ACTIONS=true, else `human`.
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub(crate) color: Color,
    /// Print the time spent in each phase (load, lower, analyze, emit) to stderr.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Parse every file instead of reusing the parse cache (also: SKILLC_NO_CACHE=1). `build`
    /// never uses the cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) check: CheckArgs,
    /// Output directory; replaced atomically. Refused when it holds anything but a skillc build.
    #[arg(long, default_value = "build")]
    pub(crate) out: PathBuf,
    /// Build for a test harness: the remediation scripts and doctors honour the SKILLC_* location
    /// and tool overrides (docs/security.md) that a normal build refuses. Never install such a
    /// tree; its manifest says `"test_build": true`.
    #[arg(long)]
    pub(crate) test_build: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Rendered diagnostics with source snippets.
    Human,
    /// One `path:line:col: severity: message [rule]` line per finding.
    Short,
    /// One JSON document: {"version": 1, "diagnostics": [...], "summary": {...}}.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

impl CheckArgs {
    /// The format asked for, or the one the environment implies.
    pub(crate) fn format(&self) -> Format {
        self.format.unwrap_or_else(|| {
            if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
                Format::Github
            } else {
                Format::Human
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CatalogArgs {
    /// Families to list (default as for `check`).
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Markdown)]
    pub(crate) format: CatalogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CatalogFormat {
    Markdown,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ApproveArgs {
    /// Your SSH private key, or its public key (`.pub`) when the private key is in ssh-agent or
    /// on a FIDO token.
    #[arg(long)]
    pub(crate) key: Option<PathBuf>,
    /// Your name: a principal of the host's trust file and a member of the policy's role.
    #[arg(long)]
    pub(crate) approver: Option<String>,
    /// The JSON the script printed in plan mode (`SCRIPT --json > plan.json`); with --show, the
    /// plan to compare the token with.
    #[arg(long)]
    pub(crate) plan: Option<PathBuf>,
    /// The skill, `family/skill` (instead of --plan).
    #[arg(long, conflicts_with = "plan")]
    pub(crate) skill: Option<String>,
    /// The target service, `family/service` (instead of --plan).
    #[arg(long, conflicts_with = "plan")]
    pub(crate) target: Option<String>,
    /// The plan hash the script printed in plan mode (instead of --plan).
    #[arg(long, conflicts_with = "plan")]
    pub(crate) plan_hash: Option<String>,
    /// How long the token stays valid, e.g. `15m` (at most 24h).
    #[arg(long, default_value = "15m")]
    pub(crate) expires_in: String,
    /// Print what TOKEN approves (nothing is signed).
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["key", "skill", "target", "plan_hash"])]
    pub(crate) show: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct McpArgs {
    /// The output directory of `skillc build`.
    #[arg(long, default_value = "build")]
    pub(crate) tree: PathBuf,
    /// A directory people drop signed approval tokens into (files of `skillc2:` lines); tokens
    /// for the plan being applied are passed to the script with those the call carries.
    #[arg(long)]
    pub(crate) inbox: Option<PathBuf>,
    /// Print the tools the server would offer (its tools/list, as JSON) and exit.
    #[arg(long)]
    pub(crate) list: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GraphArgs {
    /// Families to draw (default as for `check`).
    pub(crate) paths: Vec<PathBuf>,
    /// Graph format. `svg` and `html` also draw a graph with errors (the edges a finding is
    /// about in red) and then exit 1; the others refuse it.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub(crate) format: GraphFormat,
    /// Print the start order instead: one service per line, `family/service<TAB>layer<TAB>scope`,
    /// dependencies first.
    #[arg(long)]
    pub(crate) order: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
    Json,
    /// A picture laid out by skillc (no Graphviz): layer bands, scopes, edge kinds, findings in red.
    Svg,
    /// The SVG in a self-contained page with a legend and a filter by family.
    Html,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Directory to write `skillc.schema.json` into; prints to stdout when absent.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// Rule id, e.g. `unknown-key`; `--list` shows them all.
    #[arg(required_unless_present_any = ["list", "out"])]
    pub(crate) rule: Option<String>,
    /// List every rule with its default severity and summary.
    #[arg(long)]
    pub(crate) list: bool,
    /// Write every page as `DIR/<rule>.md` plus an index `DIR/README.md` (the committed copy is
    /// `docs/rules/`).
    #[arg(long, conflicts_with_all = ["rule", "list"])]
    pub(crate) out: Option<PathBuf>,
}

/// The paths a command works on: those given, else `./skills` when that directory exists (this
/// repository's and the docs' layout), else the current directory (`skillc init`'s layout, a
/// family per directory at the top).
pub(crate) fn family_paths(given: &[PathBuf]) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let skills = PathBuf::from("skills");
    if skills.is_dir() {
        vec![skills]
    } else {
        vec![PathBuf::from(".")]
    }
}
