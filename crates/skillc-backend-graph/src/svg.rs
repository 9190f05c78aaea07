//! A picture of the graph that needs no Graphviz: an SVG laid out here (layer bands, L3 at the
//! top, L1 at the bottom; nodes in a band by family and id), and a self-contained HTML page around
//! it with a legend, a filter by family and each service's details.
//!
//! Daemons are square boxes, session agents rounded and tinted; `requires` edges are solid, `wants`
//! dashed; an edge a finding is about (a cycle, a layer or scope violation) is red, with the
//! finding as its tooltip. Each node shows its readiness (probe or "no readiness") and how many
//! failure modes (skills) cover it.

use super::{edges, sorted_services};
use skillc_ir::{DependencyKind, Ir, Layer, Scope, ServiceId};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const NODE_W: usize = 220;
const NODE_H: usize = 64;
const GAP_X: usize = 40;
const BAND_H: usize = 200;
const MARGIN: usize = 60;

/// What the picture shows besides the IR.
#[derive(Debug, Default)]
pub struct Findings {
    /// Edges (dependent, dependency) a finding is about, with its message: drawn in red.
    pub edges: BTreeMap<(ServiceId, ServiceId), String>,
    /// Each service's readiness probe as written in the YAML.
    pub probes: BTreeMap<ServiceId, String>,
}

/// Escapes text for XML character data and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `s` to `max` characters, with an ellipsis.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

struct Layout {
    pos: BTreeMap<ServiceId, (usize, usize)>,
    width: usize,
    height: usize,
    bands: Vec<(Layer, usize)>,
}

fn layout(ir: &Ir) -> Layout {
    let services = sorted_services(ir);
    let layers = [Layer::L3, Layer::L2, Layer::L1];
    let mut pos = BTreeMap::new();
    let mut widest = 1;
    let mut bands = Vec::new();
    for (row, layer) in layers.iter().enumerate() {
        let members: Vec<ServiceId> = services
            .iter()
            .copied()
            .filter(|&id| ir.service(id).layer.value == *layer)
            .collect();
        widest = widest.max(members.len());
        let y = MARGIN + row * BAND_H + (BAND_H - NODE_H) / 2;
        for (col, id) in members.into_iter().enumerate() {
            pos.insert(id, (MARGIN + 60 + col * (NODE_W + GAP_X), y));
        }
        bands.push((*layer, MARGIN + row * BAND_H));
    }
    Layout {
        pos,
        width: MARGIN * 2 + 60 + widest * (NODE_W + GAP_X),
        height: MARGIN * 2 + layers.len() * BAND_H,
        bands,
    }
}

/// How many skills apply to each service.
fn coverage(ir: &Ir) -> BTreeMap<ServiceId, usize> {
    let mut out = BTreeMap::new();
    for k in ir.skill_ids() {
        for &t in &ir.skill(k).targets {
            *out.entry(t).or_insert(0) += 1;
        }
    }
    out
}

/// The SVG alone.
pub fn to_svg(ir: &Ir, findings: &Findings) -> String {
    let l = layout(ir);
    let covered = coverage(ir);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#,
        w = l.width,
        h = l.height
    );
    out.push_str(concat!(
        "<defs>",
        r##"<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>"##,
        r##"<marker id="arrow-bad" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d00"/></marker>"##,
        "</defs>\n"
    ));
    for (layer, y) in &l.bands {
        let _ = writeln!(
            out,
            r##"<g class="band" data-layer="{n}"><rect x="10" y="{y}" width="{w}" height="{BAND_H}" fill="{fill}"/><text x="20" y="{ty}" font-size="16" font-weight="bold" fill="#666">{n}</text></g>"##,
            n = layer.as_str(),
            w = l.width - 20,
            fill = match layer {
                Layer::L1 => "#eef3fb",
                Layer::L2 => "#f3f7ee",
                Layer::L3 => "#fbf4ec",
            },
            ty = y + 24,
        );
    }
    for (from, to, kind) in edges(ir) {
        let (Some(&(fx, fy)), Some(&(tx, ty))) = (l.pos.get(&from), l.pos.get(&to)) else {
            continue;
        };
        let (x1, y1) = (fx + NODE_W / 2, fy + NODE_H);
        let (x2, y2) = (tx + NODE_W / 2, ty);
        // Downward edges leave the bottom and enter the top; an edge within a band or upward
        // (a violation) arcs around.
        let d = if y2 > y1 {
            let mid = usize::midpoint(y1, y2);
            format!("M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}")
        } else {
            let (sx, sy, ex, ey) = (fx + NODE_W / 2, fy, tx + NODE_W / 2, ty + NODE_H);
            let top = sy.min(ey).saturating_sub(50);
            format!("M{sx},{sy} C{sx},{top} {ex},{top} {ex},{ey}")
        };
        let problem = findings.edges.get(&(from, to));
        let class = match (kind, problem.is_some()) {
            (DependencyKind::Requires, false) => "edge requires",
            (DependencyKind::Wants, false) => "edge wants",
            (DependencyKind::Requires, true) => "edge requires problem",
            (DependencyKind::Wants, true) => "edge wants problem",
        };
        let (stroke, marker) = if problem.is_some() {
            ("#d00", "arrow-bad")
        } else {
            ("#555", "arrow")
        };
        let dash = if kind == DependencyKind::Wants {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let title = match problem {
            Some(p) => format!(
                "{} {} {}: {p}",
                ir.service_name(from),
                kind.as_str(),
                ir.service_name(to)
            ),
            None => format!(
                "{} {} {}",
                ir.service_name(from),
                kind.as_str(),
                ir.service_name(to)
            ),
        };
        let _ = writeln!(
            out,
            r#"<path class="{class}" data-from="{f}" data-to="{t}" data-from-family="{ff}" data-to-family="{tf}" d="{d}" fill="none" stroke="{stroke}" stroke-width="{sw}"{dash} marker-end="url(#{marker})"><title>{title}</title></path>"#,
            f = esc(&ir.service_name(from)),
            t = esc(&ir.service_name(to)),
            ff = esc(&ir.family(ir.service(from).family).name.value),
            tf = esc(&ir.family(ir.service(to).family).name.value),
            sw = if problem.is_some() { 2.5 } else { 1.5 },
            title = esc(&title),
        );
    }
    for (&id, &(x, y)) in &l.pos {
        let s = ir.service(id);
        let name = ir.service_name(id);
        let family = &ir.family(s.family).name.value;
        let (rx, fill, scope) = match s.scope.value {
            Scope::Daemon => (2, "#ffffff", "daemon"),
            Scope::Session => (16, "#fffbe6", "session agent"),
        };
        let skills = covered.get(&id).copied().unwrap_or(0);
        let readiness = match (s.readiness.is_some(), findings.probes.get(&id)) {
            (true, Some(p)) => format!("ready: {p}"),
            (true, None) => "readiness declared".to_owned(),
            (false, _) => "no readiness (running only)".to_owned(),
        };
        let ready_class = if s.readiness.is_some() {
            "ready"
        } else {
            "unready"
        };
        let _ = writeln!(
            out,
            concat!(
                r#"<g class="node {scope_class} {ready_class}" data-service="{name}" data-family="{family}" data-layer="{layer}" data-scope="{scope_class}" data-skills="{skills}">"#,
                r#"<title>{name} ({scope}, {layer}): {desc}&#10;{readiness_full}&#10;{skills} failure mode(s) cover it</title>"#,
                r##"<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="{rx}" fill="{fill}" stroke="#333" stroke-width="1.2"/>"##,
                r#"<text x="{tx}" y="{y1}" font-weight="bold">{short}</text>"#,
                r##"<text x="{tx}" y="{y2}" fill="{rcolor}">{readiness}</text>"##,
                r##"<text x="{tx}" y="{y3}" fill="#555">{skills} failure mode(s) · {scope}</text>"##,
                "</g>"
            ),
            scope_class = match s.scope.value {
                Scope::Daemon => "daemon",
                Scope::Session => "session",
            },
            name = esc(&name),
            family = esc(family),
            layer = s.layer.value.as_str(),
            desc = esc(&s.description),
            readiness_full = esc(&readiness),
            short = esc(&cut(&name, 30)),
            readiness = esc(&cut(&readiness, 32)),
            rcolor = if s.readiness.is_some() {
                "#276b2a"
            } else {
                "#b35c00"
            },
            tx = x + 10,
            y1 = y + 20,
            y2 = y + 38,
            y3 = y + 55,
            ready_class = ready_class,
            skills = skills,
            scope = scope,
            x = x,
            y = y,
            rx = rx,
            fill = fill,
            NODE_W = NODE_W,
            NODE_H = NODE_H,
        );
    }
    out.push_str("</svg>\n");
    out
}

const PAGE_STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;margin:16px;color:#222}\
header{display:flex;gap:24px;align-items:center;flex-wrap:wrap;margin-bottom:12px}\
h1{font-size:20px;margin:0}.legend span{margin-right:14px}.swatch{display:inline-block;width:28px;\
height:12px;vertical-align:middle;margin-right:4px;border:1px solid #333}\
#canvas{overflow:auto;border:1px solid #ccc}.node{cursor:default}";

const PAGE_SCRIPT: &str = r"(function () {
  var select = document.getElementById('family');
  var status = document.getElementById('status');
  function apply(family) {
    var shown = 0, total = 0;
    document.querySelectorAll('#graph .node').forEach(function (n) {
      total++;
      var on = !family || n.getAttribute('data-family') === family;
      if (on) { shown++; n.removeAttribute('visibility'); n.classList.remove('hidden'); }
      else { n.setAttribute('visibility', 'hidden'); n.classList.add('hidden'); }
    });
    document.querySelectorAll('#graph .edge').forEach(function (e) {
      var on = !family || e.getAttribute('data-from-family') === family
        || e.getAttribute('data-to-family') === family;
      if (on) { e.removeAttribute('visibility'); e.classList.remove('hidden'); }
      else { e.setAttribute('visibility', 'hidden'); e.classList.add('hidden'); }
    });
    status.textContent = shown + ' of ' + total + ' services shown';
    status.setAttribute('data-shown', String(shown));
  }
  select.addEventListener('change', function () {
    history.replaceState(null, '', select.value ? '#family=' + encodeURIComponent(select.value) : '#');
    apply(select.value);
  });
  var m = /^#family=(.*)$/.exec(location.hash);
  if (m) { select.value = decodeURIComponent(m[1]); }
  apply(select.value);
  document.body.setAttribute('data-ready', 'true');
})();";

/// A self-contained page: the SVG, a legend, a filter by family (also `#family=NAME` in the
/// address), and no resource from anywhere else.
pub fn to_html(ir: &Ir, findings: &Findings) -> String {
    let mut families: Vec<&str> = ir.families.iter().map(|f| f.name.value.as_str()).collect();
    families.sort_unstable();
    families.dedup();
    let problems = findings.edges.len();
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>skillc: service graph</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>"
    );
    let mut options = String::new();
    for f in &families {
        let _ = write!(options, "<option value=\"{0}\">{0}</option>", esc(f));
    }
    let _ = writeln!(
        out,
        "<header><h1>Services by layer</h1><label>Family <select id=\"family\"><option value=\"\">all</option>{options}</select></label><span id=\"status\"></span><span id=\"problems\" data-count=\"{problems}\">{problems} edge(s) with a finding</span></header>"
    );
    out.push_str(concat!(
        "<p class=\"legend\">",
        "<span><span class=\"swatch\" style=\"background:#fff\"></span>daemon</span>",
        "<span><span class=\"swatch\" style=\"background:#fffbe6;border-radius:8px\"></span>session agent</span>",
        "<span>── requires</span><span>- - wants</span>",
        "<span style=\"color:#d00\">── an edge a finding is about</span>",
        "</p>\n<div id=\"canvas\">\n"
    ));
    out.push_str(&to_svg(ir, findings));
    let _ = writeln!(
        out,
        "</div>\n<script>{PAGE_SCRIPT}</script>\n</body>\n</html>"
    );
    out
}
