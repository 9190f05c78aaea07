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

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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
    }
}
