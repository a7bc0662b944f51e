//! The header's documentation as rustdoc renders it: cuda.h's Doxygen turned into Markdown by
//! doxygen-bindgen, then mended here (NVIDIA's aliases, `\code` blocks, `::name` references,
//! brackets that are no links, punctuation inside code spans) so that `cargo doc` shows it without
//! warnings.

use std::collections::HashMap;

/// Converts every comment bindgen handed over (by placeholder number) into a doc comment's text.
pub fn convert_all(comments: impl Iterator<Item = (usize, String)>) -> HashMap<usize, String> {
    comments
        .map(|(n, comment)| {
            let doc = without_member_marker(&tidy_doc(&doxygen_bindgen::transform(&comment).unwrap_or(comment)));
            // `/// Text`, not `///Text`, once printed.
            (n, if doc.starts_with(char::is_whitespace) { doc } else { format!(" {doc}") })
        })
        .collect()
}

/// Doxygen's marker of a comment placed after the member it documents (`int id; /**< ... */`,
/// `///<`, `//!<`) reaches the text as a leading `<`: it is no part of the documentation.
fn without_member_marker(doc: &str) -> String {
    let trimmed = doc.trim_start();
    match trimmed.strip_prefix('<') {
        Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest.to_string(),
        _ => doc.to_string(),
    }
}

/// Turns what doxygen-bindgen leaves into Markdown that rustdoc renders without warnings.
pub fn tidy_doc(doc: &str) -> String {
    let mut text = doc
        .replace("\\code", "\n\n```c\n")
        .replace("\\endcode", "\n```\n\n")
        .replace("\\notefnerr", "\n\nNote that this function may also return error codes from previous, asynchronous launches.\n");
    // Other NVIDIA aliases (\note_null_stream, ...) expand to text that is not in the header.
    while let Some(at) = text.find("\\note_") {
        let end = text[at + 1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(text.len(), |e| at + 1 + e);
        let alias = text[at + 6..end].to_string();
        text.replace_range(at..end, &format!("\n\n(See the \"{alias}\" note in NVIDIA's CUDA Driver API reference.)\n"));
    }
    for (from, to) in [("\\note", "Note:"), ("\\struct", ""), ("\\typedef", ""), ("\\defgroup", "")] {
        text = text.replace(from, to);
    }
    // doxygen-bindgen writes references as [`::name,`]: code spans, not links (many name runtime
    // functions that this crate does not have).
    while let Some(at) = text.find("[`") {
        let Some(len) = text[at + 2..].find("`]") else { break };
        let inner = text[at + 2..at + 2 + len].trim_start_matches("::").to_string();
        let (name, comma) = inner.strip_suffix(',').map_or((inner.as_str(), ""), |n| (n, ","));
        text.replace_range(at..at + 4 + len, &format!("`{name}`{comma}"));
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_code, mut in_fence) = (false, false);
    // Where the content of the open code span starts in `out`.
    let mut span_start = 0;
    let mut chars = text.chars().peekable();
    let mut line_start = true;
    while let Some(c) = chars.next() {
        if line_start && text_starts_fence(c, &mut chars) {
            in_fence = !in_fence;
            out.push_str("```");
            line_start = false;
            continue;
        }
        line_start = c == '\n';
        match c {
            '`' if !in_fence && !in_code => {
                in_code = true;
                out.push(c);
                span_start = out.len();
            }
            // Doxygen's `\p name.` ends the word before the sentence's period: the punctuation
            // goes after the span (`name`.), unless the span holds nothing else.
            '`' if !in_fence => {
                in_code = false;
                let content = &out[span_start..];
                let kept = content.trim_end_matches(['.', ',', ';', ':']).len();
                let punctuation = if kept > 0 { content[kept..].to_string() } else { String::new() };
                out.truncate(span_start + content.len() - punctuation.len());
                out.push(c);
                out.push_str(&punctuation);
            }
            '[' | ']' if !in_fence && !in_code => {
                out.push('\\');
                out.push(c);
            }
            // ::name → `name`
            ':' if !in_fence && !in_code && chars.peek() == Some(&':') && !out.ends_with(|p: char| p.is_ascii_alphanumeric()) => {
                chars.next();
                let mut name = String::new();
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphanumeric() || **n == '_') {
                    name.push(n);
                    chars.next();
                }
                out.push_str(&format!("`{name}`"));
            }
            // A bare URL becomes an autolink.
            'h' if !in_fence && !in_code && !out.ends_with(['<', '/']) && !out.ends_with("](") && {
                let rest: String = chars.clone().take(7).collect();
                rest.starts_with("ttp://") || rest.starts_with("ttps://")
            } =>
            {
                let mut url = String::from("h");
                while let Some(&n) = chars.peek().filter(|n| !n.is_whitespace() && !matches!(n, ')' | '>' | '"')) {
                    url.push(n);
                    chars.next();
                }
                let bare = url.trim_end_matches(['.', ',']);
                out.push_str(&format!("<{bare}>{}", &url[bare.len()..]));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether a line starts with ``` (consumes the two backticks after `c`).
fn text_starts_fence(c: char, chars: &mut std::iter::Peekable<std::str::Chars>) -> bool {
    if c != '`' {
        return false;
    }
    let mut look = chars.clone();
    if look.next() == Some('`') && look.next() == Some('`') {
        chars.next();
        chars.next();
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::tidy_doc;

    #[test]
    fn the_member_marker_is_dropped() {
        use super::without_member_marker;
        assert_eq!(without_member_marker(" < Attribute to set"), " Attribute to set");
        assert_eq!(without_member_marker("<\nnext line"), "\nnext line");
        assert_eq!(without_member_marker(" <https://docs.nvidia.com>"), " <https://docs.nvidia.com>");
        assert_eq!(without_member_marker(" a < b"), " a < b");
    }

    #[test]
    fn references_become_code_spans() {
        assert_eq!(tidy_doc("See [`::cuCtxCreate,`] [`::CUresult`]"), "See `cuCtxCreate`, `CUresult`");
        assert_eq!(tidy_doc("returns ::CUDA_SUCCESS or"), "returns `CUDA_SUCCESS` or");
    }

    #[test]
    fn punctuation_leaves_code_spans() {
        assert_eq!(tidy_doc("in `phCtx.` Then `a,` `b;` `c:` `d.,`"), "in `phCtx`. Then `a`, `b`; `c`: `d`.,");
        assert_eq!(tidy_doc("`x.y` and `...` stay"), "`x.y` and `...` stay");
        assert_eq!(tidy_doc("```c\nf(a.`b.`);\n```"), "```c\nf(a.`b.`);\n```");
    }

    #[test]
    fn brackets_that_are_no_links_are_escaped_outside_code() {
        assert_eq!(tidy_doc("boxDim[i] and `a[i]`"), "boxDim\\[i\\] and `a[i]`");
    }

    #[test]
    fn code_blocks_are_c_and_left_alone() {
        let doc = tidy_doc("Example:\\code\nx[0] = ::y;\n\\endcode done");
        let fence = doc.find("```c\n").expect("a C code block");
        let body = &doc[fence + 5..doc.rfind("```").unwrap()];
        assert_eq!(body.trim(), "x[0] = ::y;", "{doc}");
    }

    #[test]
    fn aliases_and_urls() {
        assert!(tidy_doc("\\notefnerr").contains("asynchronous launches"));
        assert!(tidy_doc("\\note_null_stream").contains("\"null_stream\" note"));
        assert_eq!(tidy_doc("see https://docs.nvidia.com/x."), "see <https://docs.nvidia.com/x>.");
        assert_eq!(tidy_doc("the guide(https://docs.nvidia.com/g)."), "the guide(<https://docs.nvidia.com/g>).");
        assert_eq!(tidy_doc("[the guide](https://docs.nvidia.com/g)"), "\\[the guide\\](https://docs.nvidia.com/g)");
    }
}
