//! The has family: whole-term matching (KQL_SEMANTICS §4.1), and the other string predicates.
//!
//! `has(H, N)`: N occurs in H at a place not glued to more alphanumerics on either side (a side of N that
//! is itself a non-alphanumeric needs no boundary). Alphanumeric = Unicode letter or digit; `_` is a
//! separator. Case-insensitive forms fold both sides with Unicode simple lowercase.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use memchr::memmem;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermMatch {
    /// `has`: both ends on term boundaries.
    Whole,
    /// `hasprefix`: the start on a term boundary.
    Prefix,
    /// `hassuffix`: the end on a term boundary.
    Suffix,
}

fn is_alnum(c: char) -> bool {
    c.is_alphanumeric()
}

/// Case folding used by every case-insensitive string operator.
pub fn fold(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(s.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

fn boundary_ok(hay: &str, start: usize, end: usize, needle: &str, mode: TermMatch) -> bool {
    let first = needle.chars().next();
    let last = needle.chars().next_back();
    let left_ok = || match first {
        Some(c) if is_alnum(c) => hay[..start]
            .chars()
            .next_back()
            .is_none_or(|p| !is_alnum(p)),
        _ => true,
    };
    let right_ok = || match last {
        Some(c) if is_alnum(c) => hay[end..].chars().next().is_none_or(|n| !is_alnum(n)),
        _ => true,
    };
    match mode {
        TermMatch::Whole => left_ok() && right_ok(),
        TermMatch::Prefix => left_ok(),
        TermMatch::Suffix => right_ok(),
    }
}

/// One needle against one haystack; both already folded when case-insensitive.
pub fn has_folded(hay: &str, needle: &str, mode: TermMatch) -> bool {
    if needle.is_empty() {
        return true;
    }
    // Every occurrence, overlapping ones included: a later one may sit on term boundaries when an
    // earlier one overlapping it does not ("a-a" in "xa-a-a").
    let finder = memmem::Finder::new(needle.as_bytes());
    let bytes = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = finder.find(&bytes[from..]) {
        let i = from + i;
        if hay.is_char_boundary(i) && boundary_ok(hay, i, i + needle.len(), needle, mode) {
            return true;
        }
        from = i + 1;
        if from > bytes.len() {
            break;
        }
    }
    false
}

/// A compiled `has` / `has_cs` / `hasprefix` / `hassuffix` (and negations) with a fixed needle, for a
/// column: no allocation per value. ASCII values are searched as they are (ASCII case folding inside the
/// automaton, every occurrence including overlapping ones, then the term-boundary check); other values
/// are folded with Unicode simple lowercase first, as [`has`] does.
pub struct TermFinder {
    needle: String,
    mode: TermMatch,
    case_sensitive: bool,
    /// Over ASCII haystacks: the needle, ASCII-case-insensitive unless case-sensitive.
    ascii: Option<AhoCorasick>,
    /// Over folded haystacks (and over any haystack when case-sensitive).
    folded: Option<AhoCorasick>,
}

impl TermFinder {
    pub fn new(needle: &str, mode: TermMatch, case_sensitive: bool) -> TermFinder {
        let needle = if case_sensitive {
            needle.to_string()
        } else {
            fold(needle).into_owned()
        };
        let build = |ci: bool| {
            if needle.is_empty() {
                return None;
            }
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(ci)
                .build([needle.as_str()])
                .ok()
        };
        TermFinder {
            ascii: if needle.is_ascii() {
                build(!case_sensitive)
            } else {
                None
            },
            folded: build(false),
            needle,
            mode,
            case_sensitive,
        }
    }

    fn find_in(&self, ac: &AhoCorasick, hay: &str) -> bool {
        ac.find_overlapping_iter(hay)
            .any(|m| boundary_ok(hay, m.start(), m.end(), &self.needle, self.mode))
    }

    /// Whether the needle occurs in `hay` as the mode asks.
    pub fn matches(&self, hay: &str) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        if self.case_sensitive {
            return self.folded.as_ref().is_some_and(|ac| self.find_in(ac, hay));
        }
        if hay.is_ascii() {
            // An ASCII haystack cannot hold a non-ASCII needle; ASCII folding is Unicode folding here.
            return self.ascii.as_ref().is_some_and(|ac| self.find_in(ac, hay));
        }
        let h = fold(hay);
        self.folded.as_ref().is_some_and(|ac| self.find_in(ac, &h))
    }
}

/// `has` / `has_cs` / `hasprefix` / `hassuffix` for one pair.
pub fn has(hay: &str, needle: &str, mode: TermMatch, case_sensitive: bool) -> bool {
    if case_sensitive {
        has_folded(hay, needle, mode)
    } else {
        has_folded(&fold(hay), &fold(needle), mode)
    }
}

/// A compiled `has_any` / `has_all` over a fixed list of needles: one Aho-Corasick pass per value.
pub struct HasMatcher {
    needles: Vec<String>,
    ac: Option<AhoCorasick>,
    /// ASCII-case-insensitive automaton over the needles for ASCII haystacks (case-insensitive only).
    ascii_ac: Option<AhoCorasick>,
    mode: TermMatch,
    case_sensitive: bool,
    any_empty: bool,
}

impl HasMatcher {
    pub fn new(needles: &[String], mode: TermMatch, case_sensitive: bool) -> Self {
        let folded: Vec<String> = needles
            .iter()
            .map(|n| {
                if case_sensitive {
                    n.clone()
                } else {
                    fold(n).into_owned()
                }
            })
            .collect();
        let any_empty = folded.iter().any(|n| n.is_empty());
        let nonempty: Vec<&String> = folded.iter().filter(|n| !n.is_empty()).collect();
        let ac = if nonempty.is_empty() {
            None
        } else {
            AhoCorasick::new(nonempty.iter().map(|s| s.as_str())).ok()
        };
        let ascii_ac = if !case_sensitive && !nonempty.is_empty() {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(nonempty.iter().filter(|s| s.is_ascii()).map(|s| s.as_str()))
                .ok()
                .map(|ac| (ac, nonempty.iter().all(|s| s.is_ascii())))
                .filter(|(_, all_ascii)| *all_ascii)
                .map(|(ac, _)| ac)
        } else {
            None
        };
        HasMatcher {
            needles: folded.into_iter().filter(|n| !n.is_empty()).collect(),
            ac,
            ascii_ac,
            mode,
            case_sensitive,
            any_empty,
        }
    }

    pub fn len(&self) -> usize {
        self.needles.len() + usize::from(self.any_empty)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when any needle matches.
    pub fn any(&self, hay: &str) -> bool {
        if self.any_empty {
            return true;
        }
        let Some(ac) = &self.ac else { return false };
        if let Some(ascii) = &self.ascii_ac
            && hay.is_ascii()
        {
            return ascii.find_overlapping_iter(hay).any(|m| {
                let needle = &self.needles[m.pattern().as_usize()];
                boundary_ok(hay, m.start(), m.end(), needle, self.mode)
            });
        }
        let h = if self.case_sensitive {
            std::borrow::Cow::Borrowed(hay)
        } else {
            fold(hay)
        };
        ac.find_overlapping_iter(h.as_ref()).any(|m| {
            let needle = &self.needles[m.pattern().as_usize()];
            boundary_ok(&h, m.start(), m.end(), needle, self.mode)
        })
    }

    /// True when every needle matches.
    pub fn all(&self, hay: &str) -> bool {
        let h = if self.case_sensitive {
            std::borrow::Cow::Borrowed(hay)
        } else {
            fold(hay)
        };
        self.needles.iter().all(|n| has_folded(&h, n, self.mode))
    }
}

/// `contains` and friends: plain substring / prefix / suffix / equality, optionally case-insensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubstrKind {
    Contains,
    StartsWith,
    EndsWith,
    Equals,
}

pub fn substr_match(hay: &str, needle: &str, kind: SubstrKind, case_sensitive: bool) -> bool {
    let (h, n) = if case_sensitive {
        (
            std::borrow::Cow::Borrowed(hay),
            std::borrow::Cow::Borrowed(needle),
        )
    } else {
        (fold(hay), fold(needle))
    };
    match kind {
        SubstrKind::Contains => memmem::find(h.as_bytes(), n.as_bytes()).is_some(),
        SubstrKind::StartsWith => h.starts_with(n.as_ref()),
        SubstrKind::EndsWith => h.ends_with(n.as_ref()),
        SubstrKind::Equals => h == n,
    }
}

/// SQL-style `like` patterns (`%` any run, `_` one char) as used by KQL's `like`.
pub fn like_to_regex(pattern: &str, case_sensitive: bool) -> Result<regex::Regex, regex::Error> {
    let mut re = String::from(if case_sensitive { "^(?s)" } else { "^(?si)" });
    for c in pattern.chars() {
        match c {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(a: &str, b: &str) -> bool {
        has(a, b, TermMatch::Whole, false)
    }

    // Expected values: KQL_SEMANTICS.md §4.1 (docs and engine observations).
    #[test]
    fn has_is_whole_term() {
        assert!(!h("KustoExplorerQueryRun", "Explorer"));
        assert!(h("Kusto: ad67d136-c1db-4f9f;KustoExplorerQueryRun", "c1db"));
        assert!(h("alpha_beta", "alpha"), "_ separates terms");
        assert!(h("12.34.56", "34"));
        assert!(h("1_2_3", "1"));
        assert!(!h("hello world", "o"));
        assert!(h("hello-world", "hello") && h("world hello", "hello") && h("HELLO", "hello"));
        assert!(!h("helloworld", "hello"));
        assert!(h("", "") && h("abc", ""));
    }

    #[test]
    fn has_with_punctuated_needles() {
        assert!(h("version=1.2.3", "2.3"));
        assert!(h("1.2.3-rc", "2.3"));
        assert!(!h("1_2_3", "2.3"));
        assert!(h("a b", " "));
        assert!(!h("a\tb", " "));
        assert!(has("co-op", "co", TermMatch::Whole, true));
        assert!(!has("CO-OP", "co", TermMatch::Whole, true));
        // the seed rules' needles
        assert!(h("Nanosystems S.r.l.", "Nanosystems S.R.L."));
        assert!(!h("Nanosystems SRL", "Nanosystems S.R.L."));
        assert!(h("https://www.supremocontrol.com/x", "supremocontrol.com"));
        assert!(!h("notsupremocontrol.com", "supremocontrol.com"));
        assert!(!h("supremocontrol.community", "supremocontrol.com"));
        assert!(h("IDrive, Inc.", "idrive"));
    }

    #[test]
    fn has_folds_unicode() {
        assert!(h("DWSNET OÜ", "dwsnet oü"));
        assert!(h("NAÏVE", "naïve"));
        assert!(h("МИР привет", "привет"));
        assert!(
            !h("ПриветМир", "привет"),
            "non-ASCII letters are term characters"
        );
        assert!(!h("aaa\u{200b}bbb", " "));
    }

    #[test]
    fn prefix_and_suffix() {
        assert!(has("North America", "ame", TermMatch::Prefix, false));
        assert!(!has("North America", "ica", TermMatch::Prefix, false));
        assert!(has("North America", "ica", TermMatch::Suffix, false));
        assert!(has("end.", "end", TermMatch::Suffix, false));
    }

    #[test]
    fn matcher_any_all() {
        let m = HasMatcher::new(
            &["supremocontrol.com".into(), "nanosystems.it".into()],
            TermMatch::Whole,
            false,
        );
        assert!(m.any("update.SupremoControl.com"));
        assert!(m.any("www.nanosystems.it"));
        assert!(!m.any("supremocontrol.community"));
        let all = HasMatcher::new(&["a".into(), "b".into()], TermMatch::Whole, false);
        assert!(all.all("b-a") && !all.all("ab"));
        // overlapping candidates: the first hit is glued, a later one is not
        let m2 = HasMatcher::new(&["com".into()], TermMatch::Whole, false);
        assert!(m2.any("community.com"));
    }

    #[test]
    fn term_finder_agrees_with_has() {
        let hays = [
            "Nanosystems S.r.l.",
            "NANOSYSTEMS S.R.L.",
            "Nanosystems SRL",
            "xa-a-a",
            "KustoExplorerQueryRun",
            "hello-world",
            "DWSNET OÜ",
            "\u{212a}elvin",
            "МИР привет",
            "",
            "co-op",
            "CO-OP",
        ];
        let needles = [
            "Nanosystems S.R.L.",
            "a-a",
            "explorer",
            "hello",
            "dwsnet oü",
            "kelvin",
            "привет",
            "",
            "co",
        ];
        for mode in [TermMatch::Whole, TermMatch::Prefix, TermMatch::Suffix] {
            for cs in [false, true] {
                for n in needles {
                    let f = TermFinder::new(n, mode, cs);
                    for hay in hays {
                        assert_eq!(
                            f.matches(hay),
                            has(hay, n, mode, cs),
                            "{hay:?} {n:?} {mode:?} {cs}"
                        );
                    }
                }
            }
        }
        // an occurrence overlapping a glued one
        assert!(TermFinder::new("a-a", TermMatch::Whole, false).matches("xa-a-a"));
        // the Kelvin sign folds to an ASCII k
        assert!(TermFinder::new("kelvin", TermMatch::Whole, false).matches("\u{212a}elvin"));
    }

    #[test]
    fn substrings() {
        assert!(substr_match(
            "SupRemo.exe",
            "remo",
            SubstrKind::Contains,
            false
        ));
        assert!(!substr_match(
            "SupRemo.exe",
            "remo",
            SubstrKind::Contains,
            true
        ));
        assert!(substr_match("CAFÉ", "café", SubstrKind::Equals, false));
        assert!(substr_match("abc", "AB", SubstrKind::StartsWith, false));
    }
}
