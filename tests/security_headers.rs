//! Every answer carries the security headers: the page, its assets, JSON
//! answers and errors, and event streams (which leave through their own
//! path); and the page itself needs nothing the policy forbids.

mod common;

use common::TestApp;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: http: https:; connect-src 'self'; worker-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn headers_of(app: &TestApp, path: &str) -> reqwest::header::HeaderMap {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    response.headers().clone()
}

#[tokio::test]
async fn pages_assets_json_and_errors_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    for path in [
        "/".to_owned(),
        format!("/r/{code}"),
        "/assets/app.js".to_owned(),
        format!("/api/v1/rooms/{code}"),
        "/api/v1/rooms/zzzz-zzzz-zzzzz".to_owned(),
        "/no/such/path".to_owned(),
        "/readyz".to_owned(),
    ] {
        let headers = headers_of(&app, &path).await;
        assert_eq!(headers["content-security-policy"], CSP, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn streams_do_not_leak_their_code_in_a_referer_or_get_sniffed() {
    let app = TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    for path in [
        format!("/api/v1/rooms/{code}/events"),
        format!("/api/{code}/connect"),
    ] {
        let stream = app.stream(&path).await;
        assert_eq!(stream.status, 200, "{path}");
        assert_eq!(stream.headers["x-content-type-options"], "nosniff");
        assert_eq!(stream.headers["referrer-policy"], "no-referrer");
    }
}

#[tokio::test]
async fn the_page_has_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    let scripts = scraper::Selector::parse("script").unwrap();
    for script in document.select(&scripts) {
        assert!(
            script.value().attr("src").is_some(),
            "inline script: {html}"
        );
        assert!(script.text().collect::<String>().trim().is_empty());
    }
    let inline = scraper::Selector::parse("style, [style], [onclick], [onload]").unwrap();
    assert_eq!(document.select(&inline).count(), 0, "{html}");
}
