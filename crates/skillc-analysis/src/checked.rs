//! The checked IR: the only input code generation accepts.

use skillc_diagnostics::{Diagnostic, parallel};
use skillc_ir::Ir;
use std::ops::Deref;

/// A pass over a lowered IR that reports findings: the analysis rules, a backend's codegen check.
pub type Pass = fn(&Ir) -> Vec<Diagnostic>;

/// Stack of the threads passes run on: that of a main thread on Linux and macOS (the graph walks
/// recurse along dependency chains).
const PASS_STACK_BYTES: usize = 8 * 1024 * 1024;

/// A lowered IR that analysis ran over, and what it found.
#[derive(Debug)]
pub struct Analysis {
    ir: Ir,
    /// The findings of the analysis rules, then of each extra pass in order.
    pub diagnostics: Vec<Diagnostic>,
}

/// An IR that lowered without error, that analysis ran over, and whose remaining findings (after
/// suppressions and configured levels) hold no error. Backends emit only from this type, and only
/// [`Analysis::certify`] makes one.
#[derive(Debug)]
pub struct CheckedIr {
    ir: Ir,
}

impl Deref for CheckedIr {
    type Target = Ir;
    fn deref(&self) -> &Ir {
        &self.ir
    }
}

/// Runs every analysis rule and each of `passes` over `ir`, concurrently (each pass on its own
/// thread). `ir` must have lowered without error: analysis of an IR with holes would report their
/// echoes.
pub fn analyze(ir: Ir, passes: &[Pass]) -> Analysis {
    let all: Vec<Pass> = std::iter::once(run_rules as Pass)
        .chain(passes.iter().copied())
        .collect();
    let options = parallel::Options::new(1)
        .threads(all.len())
        .stack_bytes(PASS_STACK_BYTES);
    let diagnostics = parallel::map(&all, options, |pass| pass(&ir)).concat();
    Analysis { ir, diagnostics }
}

fn run_rules(ir: &Ir) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    crate::rules::run_all(ir, &mut out);
    out
}

impl Analysis {
    pub fn ir(&self) -> &Ir {
        &self.ir
    }

    /// The checked IR when none of `remaining` — this analysis' findings and the earlier stages',
    /// after suppressions and `skillc.toml` levels — is an error; else the IR back.
    pub fn certify(self, remaining: &[Diagnostic]) -> Result<CheckedIr, Box<Ir>> {
        if remaining.iter().any(Diagnostic::is_error) {
            Err(Box::new(self.ir))
        } else {
            Ok(CheckedIr { ir: self.ir })
        }
    }
}
