//! The resolver the probe compiler uses.

use crate::service::{ceil_secs, domain};
use skillc_ir::{Ir, ServiceId};
use skillc_sh::{Probe, Resolver, Target};

/// Resolves service references for the probe compiler; indices are `ServiceId` indices.
#[derive(Debug, Clone, Copy)]
pub struct IrResolver<'a> {
    pub ir: &'a Ir,
}

impl Resolver for IrResolver<'_> {
    fn target(&self, id: usize) -> Option<Target> {
        let s = self.ir.services.get(id)?;
        Some(Target {
            label: s.label.value.clone(),
            domain: domain(s),
            name: self.ir.service_name(ServiceId(u32::try_from(id).ok()?)),
            readiness: s.readiness.as_ref().map(|r| Probe {
                expr: r.probe.clone(),
                timeout_secs: ceil_secs(r.timeout.value, 1),
            }),
        })
    }

    fn resolve(&self, from: usize, reference: &str) -> Option<usize> {
        if let Some(bus) = reference.strip_prefix("bus:") {
            return self.bus_provider(bus);
        }
        let from_family = self.ir.services.get(from)?.family;
        let (family, id) = match reference.split_once('/') {
            Some((fam, id)) => {
                let f = self.ir.families.iter().position(|f| f.name.value == fam)?;
                (f, id)
            }
            None => (from_family.index(), reference),
        };
        self.ir
            .services
            .iter()
            .position(|s| s.family.index() == family && s.id.value == id)
    }

    fn bus_provider(&self, name: &str) -> Option<usize> {
        self.ir.services.iter().position(|s| {
            s.bus
                .as_ref()
                .is_some_and(|b| b.value.eq_ignore_ascii_case(name))
        })
    }
}
