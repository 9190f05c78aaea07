//! "Did you mean" suggestions.

/// The candidate closest to `input` by edit distance, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let n = input.chars().count();
    // Two-character inputs (`L4`) are too short for an edit to mean a typo.
    let limit = if n <= 2 { 0 } else { (n / 3).max(1) };
    candidates
        .into_iter()
        .map(|c| {
            (
                levenshtein(&input.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edit distance counting an adjacent transposition (`tpc` → `tcp`) as one edit
/// (optimal string alignment).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["requires", "readiness", "wants"];
        assert_eq!(did_you_mean("requries", names), Some("requires"));
        assert_eq!(did_you_mean("want", names), Some("wants"));
        assert_eq!(did_you_mean("zzzzzzzz", names), None);
        assert_eq!(did_you_mean("L4", ["L1", "L2", "L3"]), None);
        assert_eq!(did_you_mean("l2", ["L1", "L2", "L3"]), Some("L2"));
        assert_eq!(did_you_mean("tpc", ["tcp", "http"]), Some("tcp"));
    }
}
