mod common;
use std::time::Duration;

#[tokio::test]
async fn a_room_can_be_created_and_streamed() {
    let app = common::TestApp::spawn().await;
    let code = app.room(&["Ann", "Bob"], 60_000, false).await;
    let mut s = app.stream(&format!("/api/v1/rooms/{code}/events")).await;
    assert_eq!(s.status, 200);
    let snap = s.expect("snapshot", Duration::from_secs(2)).await;
    assert_eq!(snap.id.as_deref(), Some("1"));
}
