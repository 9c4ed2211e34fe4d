//! Reads the preview fields out of an HTML page.
//!
//! Pages are untrusted, often malformed, and sometimes hostile, so they are
//! parsed with `scraper` (a real HTML5 parser that also decodes entities)
//! rather than with pattern matching, and every field is bounded.

use scraper::{Html, Selector};
use url::Url;

use crate::domain::workspace::Preview;

/// Longest kept `<title>` and `og:title`, in characters: enough for any
/// real title, small enough that a page cannot bloat the room state.
const MAX_TITLE: usize = 300;
/// Longest kept description, in characters.
const MAX_DESCRIPTION: usize = 1000;
/// Longest kept image URL, in characters. A longer URL is dropped rather
/// than cut, because a truncated URL would point somewhere else.
const MAX_IMAGE: usize = 1024;

/// Extracts the preview of the page `html`, served at `page_url` (the final
/// URL after redirects, against which a relative `og:image` is resolved).
pub(super) fn extract(html: &str, page_url: &Url) -> Preview {
    let document = Html::parse_document(html);
    let head_title = first_text(&document, "title");
    let og_title = first_content(&document, r#"meta[property="og:title"]"#);
    let description = first_content(&document, r#"meta[property="og:description"]"#)
        .or_else(|| first_content(&document, r#"meta[name="description"]"#));
    let image = first_content(&document, r#"meta[property="og:image"]"#)
        .and_then(|raw| absolute_image(&raw, page_url));
    Preview {
        head_title: head_title.map_or_else(String::new, |t| truncate(t, MAX_TITLE)),
        og_title: og_title.map_or_else(String::new, |t| truncate(t, MAX_TITLE)),
        description: description.map_or_else(String::new, |t| truncate(t, MAX_DESCRIPTION)),
        image: image.unwrap_or_default(),
    }
}

/// The collapsed text of the first element matching `css`, if not empty.
fn first_text(document: &Html, css: &str) -> Option<String> {
    let selector = Selector::parse(css).ok()?;
    document
        .select(&selector)
        .map(|element| collapse(&element.text().collect::<String>()))
        .find(|text| !text.is_empty())
}

/// The collapsed `content` attribute of the first element matching `css`
/// that has a non-empty one, so that an empty tag does not hide a fallback.
fn first_content(document: &Html, css: &str) -> Option<String> {
    let selector = Selector::parse(css).ok()?;
    document
        .select(&selector)
        .filter_map(|element| element.value().attr("content"))
        .map(collapse)
        .find(|text| !text.is_empty())
}

/// Resolves an `og:image` value against the page URL, keeping it only if
/// it is an http(s) URL of sane length: `javascript:` or `data:` URLs
/// must never reach the clients that display the preview.
fn absolute_image(raw: &str, page_url: &Url) -> Option<String> {
    let url = page_url.join(raw).ok()?;
    let text = String::from(url);
    let web = text.starts_with("http://") || text.starts_with("https://");
    (web && text.chars().count() <= MAX_IMAGE).then_some(text)
}

/// Trims and collapses every run of whitespace to one space, as a browser
/// shows a title.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most `max` characters, at a character boundary.
fn truncate(mut text: String, max: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max) {
        text.truncate(index);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page URL used by these tests; it is never contacted.
    fn base() -> Url {
        Url::parse("http://example.test/dir/page.html").expect("test URL")
    }

    /// All four fields are read, with entities decoded and the image made absolute.
    #[test]
    fn reads_title_and_open_graph() {
        let html = r#"<html><head><title>
              Tom &amp;   Jerry </title>
            <meta property="og:title" content="OG &quot;T&quot;">
            <meta property="og:description" content="  A  description ">
            <meta name="description" content="ignored">
            <meta property="og:image" content="../img/a.png?x=1&amp;y=2">
            </head><body></body></html>"#;
        let preview = extract(html, &base());
        assert_eq!(preview.head_title, "Tom & Jerry");
        assert_eq!(preview.og_title, "OG \"T\"");
        assert_eq!(preview.description, "A description");
        assert_eq!(preview.image, "http://example.test/img/a.png?x=1&y=2");
    }

    /// An empty `og:description` does not hide the plain description.
    #[test]
    fn falls_back_to_meta_description() {
        let html = r#"<meta property="og:description" content="">
            <meta name="description" content="plain">"#;
        assert_eq!(extract(html, &base()).description, "plain");
    }

    /// Script and data image URLs are dropped; malformed HTML does not panic.
    #[test]
    fn drops_non_web_images_and_survives_garbage() {
        let html = r#"<meta property="og:image" content="javascript:alert(1)">"#;
        assert_eq!(extract(html, &base()).image, "");
        let html = r#"<meta property="og:image" content="data:image/png;base64,AA">"#;
        assert_eq!(extract(html, &base()).image, "");
        let preview = extract("<<<>>>\u{0}<title", &base());
        assert_eq!(preview.og_title, "");
    }

    /// Long fields are cut by characters, never inside a multi-byte one.
    #[test]
    fn truncates_at_character_boundaries() {
        let long = "é".repeat(MAX_TITLE + 50);
        let html = format!("<title>{long}</title><meta property=og:title content={long}>");
        let preview = extract(&html, &base());
        assert_eq!(preview.head_title.chars().count(), MAX_TITLE);
        assert_eq!(preview.og_title.chars().count(), MAX_TITLE);
        assert_eq!(truncate("abc".into(), 5), "abc");
        assert_eq!(truncate("abc".into(), 0), "");
    }
}
