//! Service facts only this backend needs: gate paths, budgets, keep-alive.

use skillc_backend_support::ceil_secs;
use skillc_ir::{Ir, KeepAliveMode, Service, ServiceId};

/// Where gates are installed: `<GATE_ROOT>/<family>/gates/<service-id>.sh`.
pub(crate) const GATE_ROOT: &str = "/usr/local/libexec/skillc";

/// Budget used for a dependency that has neither `start_timeout` nor readiness.
pub(crate) const DEFAULT_BUDGET_SECS: u64 = 60;

/// Absolute path the gate of `id` is installed to.
pub fn gate_path(ir: &Ir, id: ServiceId) -> String {
    let s = ir.service(id);
    format!(
        "{GATE_ROOT}/{}/gates/{}.sh",
        ir.family(s.family).name.value,
        s.id.value
    )
}

/// Whether the service is started through a readiness gate (it has hard dependencies).
pub fn has_gate(s: &Service) -> bool {
    !s.requires.is_empty()
}

/// Whether launchd restarts the job: `KeepAlive` true or a non-empty condition dictionary.
pub(crate) fn keeps_alive(s: &Service) -> bool {
    match &s.run.keep_alive.value {
        KeepAliveMode::Always => true,
        KeepAliveMode::Conditions(c) => !c.is_empty(),
        KeepAliveMode::Never => false,
    }
}

/// How long a gate waits for dependency `dep`: its `start_timeout` when declared, else its
/// readiness `retries × (interval + timeout)`, else [`DEFAULT_BUDGET_SECS`].
pub(crate) fn wait_budget_secs(dep: &Service) -> u64 {
    if let Some(t) = &dep.run.start_timeout {
        return ceil_secs(t.value, 1);
    }
    match &dep.readiness {
        Some(r) => {
            let per = r.interval.value + r.timeout.value;
            ceil_secs(per.saturating_mul(r.retries.value), 1)
        }
        None => DEFAULT_BUDGET_SECS,
    }
}

/// The longest sleep between two probes of `dep`: its readiness interval (at least 1 s).
pub(crate) fn backoff_cap_secs(dep: &Service) -> u64 {
    dep.readiness
        .as_ref()
        .map_or(5, |r| ceil_secs(r.interval.value, 1))
}
