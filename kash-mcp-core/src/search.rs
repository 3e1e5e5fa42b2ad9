//! Case- and accent-insensitive search with ranking, and "did you mean" candidates.

use unicode_normalization::UnicodeNormalization;

/// Lower case, no accents, punctuation as spaces, single spaces: `Crème brûlée` → `creme brulee`.
pub fn normalize(text: &str) -> String {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'œ' => 'o',
            'æ' => 'a',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// How well `query` matches one field (0 = not at all, 100 = exactly).
fn field_score(query_norm: &str, query_digits: &str, field: &str, is_phone: bool) -> u32 {
    if is_phone {
        let d = digits(field);
        if query_digits.len() >= 4 && !d.is_empty() {
            // 0612345678 vs +33 6 12 34 56 78: compare the last 9 digits.
            let tail = |s: &str| s.chars().rev().take(9).collect::<String>();
            if tail(&d) == tail(query_digits) {
                return 95;
            }
            if d.contains(query_digits) {
                return 60;
            }
        }
        return 0;
    }
    let f = normalize(field);
    if f.is_empty() || query_norm.is_empty() {
        return 0;
    }
    if f == query_norm {
        return 100;
    }
    if f.starts_with(query_norm) {
        return 85;
    }
    let words: Vec<&str> = f.split(' ').collect();
    let tokens: Vec<&str> = query_norm.split(' ').collect();
    if tokens
        .iter()
        .all(|t| words.iter().any(|w| w.starts_with(t)))
    {
        return 70;
    }
    if f.contains(query_norm) {
        return 50;
    }
    // Typos: every query token close to some word ("croisant", "capucino").
    let close = tokens.iter().all(|t| {
        t.len() >= 4
            && words.iter().any(|w| {
                strsim::jaro_winkler(t, w) >= 0.88
                    || strsim::jaro_winkler(t, w.get(..t.len().min(w.len())).unwrap_or(w)) >= 0.93
            })
    });
    if close { 30 } else { 0 }
}

/// A searchable field of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<'a> {
    /// Free text (names, titles, codes, emails).
    Text(&'a str),
    /// A phone number, compared by digits.
    Phone(&'a str),
}

/// The best score of `query` over `fields` (0 = no match).
pub fn score(query: &str, fields: &[Field<'_>]) -> u32 {
    let q = normalize(query);
    let qd = digits(query);
    fields
        .iter()
        .map(|f| match f {
            Field::Text(t) => field_score(&q, &qd, t, false),
            Field::Phone(t) => field_score(&q, &qd, t, true),
        })
        .max()
        .unwrap_or(0)
}

/// Similarity for "did you mean": 0–1, high when `name` looks like `candidate`.
pub fn similarity(name: &str, candidate: &str) -> f64 {
    let a = normalize(name);
    let b = normalize(candidate);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if b.contains(&a) || a.contains(&b) {
        return 0.95;
    }
    let jw = strsim::jaro_winkler(&a, &b);
    let words_a: Vec<&str> = a.split(' ').collect();
    let words_b: Vec<&str> = b.split(' ').collect();
    let word_best = words_a
        .iter()
        .map(|wa| {
            words_b
                .iter()
                .map(|wb| strsim::jaro_winkler(wa, wb))
                .fold(0.0, f64::max)
        })
        .sum::<f64>()
        / words_a.len().max(1) as f64;
    jw.max(word_best)
}

/// The `n` candidates most similar to `name`, best first, above a floor.
pub fn closest<'a, T>(
    name: &str,
    items: &'a [T],
    label: impl Fn(&T) -> String,
    n: usize,
) -> Vec<&'a T> {
    let mut scored: Vec<(f64, &T)> = items
        .iter()
        .map(|i| (similarity(name, &label(i)), i))
        .filter(|(s, _)| *s >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
    scored.into_iter().take(n).map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_accents_and_case() {
        assert_eq!(normalize("  Crème BRÛLÉE! "), "creme brulee");
        assert_eq!(normalize("Œufs brouillés"), "oufs brouilles");
    }

    #[test]
    fn ranks_exact_prefix_words_substring_typos() {
        let s = |q: &str, f: &str| score(q, &[Field::Text(f)]);
        assert_eq!(s("croissant", "Croissant"), 100);
        assert!(s("crois", "Croissant") > s("crois", "Croissant aux amandes") - 1);
        assert!(s("pain choc", "Pain au chocolat") >= 70);
        assert!(s("chocolat", "Pain au chocolat") >= 50);
        assert!(s("croisant", "Croissant") > 0, "a typo still matches");
        assert_eq!(s("pizza", "Croissant"), 0);
        assert_eq!(
            score("06 12 34 56 78", &[Field::Phone("+33 6 12 34 56 78")]),
            95
        );
        assert_eq!(score("dupont", &[Field::Text("Dupont-Martin")]), 85);
    }

    #[test]
    fn closest_candidates() {
        let names = ["Croissant", "Café", "Pain au chocolat", "Cappuccino"];
        let got = closest("croisant", &names, |s| (*s).to_owned(), 3);
        assert_eq!(got.first().copied(), Some(&"Croissant"));
        let got = closest("capuccino", &names, |s| (*s).to_owned(), 3);
        assert_eq!(got.first().copied(), Some(&"Cappuccino"));
    }
}
