//! A minimal Server-Sent Events reader that also reports comments, so that
//! tests can see heartbeats.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// One dispatched event, or a comment line.
#[derive(Debug, Clone)]
pub struct SseEvent {
    /// The `id:` field, if the event had one.
    pub id: Option<String>,
    /// The `event:` field (`message` if absent); `:comment` for comments.
    pub event: String,
    /// The joined `data:` lines.
    pub data: String,
    /// The `retry:` field, if present.
    pub retry: Option<u64>,
    /// When the reader parsed it.
    pub at: Instant,
}

impl SseEvent {
    /// The data as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }
}

/// An open stream.
pub struct Sse {
    /// The response status.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, if the status was not 200.
    pub error_body: Option<String>,
    events: mpsc::UnboundedReceiver<SseEvent>,
    reader: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Sse {
    /// Closes the connection, as a browser closing its tab would.
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.abort();
        }
    }
}

impl Sse {
    /// Opens a stream with extra request headers.
    pub async fn open(url: &str, headers: &[(&str, &str)]) -> Self {
        let client = reqwest::Client::new();
        let mut request = client.get(url).header("accept", "text/event-stream");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("stream request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let (sender, events) = mpsc::unbounded_channel();
        if status != 200 {
            let body = response.text().await.ok();
            return Self {
                status,
                headers,
                error_body: body,
                events,
                reader: None,
            };
        }
        let reader = tokio::spawn(async move {
            let mut body = response.bytes_stream();
            let mut parser = Parser::default();
            while let Some(Ok(chunk)) = body.next().await {
                for event in parser.feed(&chunk) {
                    if sender.send(event).is_err() {
                        return;
                    }
                }
            }
        });
        Self {
            status,
            headers,
            error_body: None,
            events,
            reader: Some(reader),
        }
    }

    /// The next event or comment within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<SseEvent> {
        tokio::time::timeout(within, self.events.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next event (skipping comments) within `within`.
    pub async fn next_event(&mut self, within: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + within;
        loop {
            let event = self
                .next(deadline.saturating_duration_since(Instant::now()))
                .await?;
            if event.event != ":comment" {
                return Some(event);
            }
        }
    }

    /// The next event with this name, skipping others; panics after `within`.
    pub async fn expect(&mut self, name: &str, within: Duration) -> SseEvent {
        let deadline = Instant::now() + within;
        loop {
            match self
                .next(deadline.saturating_duration_since(Instant::now()))
                .await
            {
                Some(event) if event.event == name => return event,
                Some(_) => continue,
                None => panic!("no {name:?} event within {within:?}"),
            }
        }
    }

    /// Everything that arrives within `within` (or until the stream ends).
    pub async fn collect(&mut self, within: Duration) -> Vec<SseEvent> {
        let deadline = Instant::now() + within;
        let mut all = Vec::new();
        while let Some(event) = self
            .next(deadline.saturating_duration_since(Instant::now()))
            .await
        {
            all.push(event);
        }
        all
    }

    /// Whether the server ended the stream (within `within`).
    pub async fn ended(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(None) => return true,
                Ok(Some(_)) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Incremental parser of the event-stream format.
#[derive(Default)]
struct Parser {
    line: Vec<u8>,
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
    retry: Option<u64>,
}

impl Parser {
    fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for &b in bytes {
            if b != b'\n' {
                self.line.push(b);
                continue;
            }
            let line = String::from_utf8_lossy(&self.line)
                .trim_end_matches('\r')
                .to_owned();
            self.line.clear();
            if line.is_empty() {
                if let Some(data) = self.data.take() {
                    out.push(SseEvent {
                        id: self.id.take(),
                        event: self.event.take().unwrap_or_else(|| "message".into()),
                        data,
                        retry: self.retry.take(),
                        at: Instant::now(),
                    });
                } else if self.retry.is_some() || self.id.is_some() {
                    out.push(SseEvent {
                        id: self.id.take(),
                        event: ":fields".into(),
                        data: String::new(),
                        retry: self.retry.take(),
                        at: Instant::now(),
                    });
                }
                self.event = None;
                continue;
            }
            if let Some(comment) = line.strip_prefix(':') {
                out.push(SseEvent {
                    id: None,
                    event: ":comment".into(),
                    data: comment.trim().to_owned(),
                    retry: None,
                    at: Instant::now(),
                });
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((&line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value).to_owned();
            match field {
                "id" => self.id = Some(value),
                "event" => self.event = Some(value),
                "retry" => self.retry = value.parse().ok(),
                "data" => match &mut self.data {
                    Some(data) => {
                        data.push('\n');
                        data.push_str(&value);
                    }
                    None => self.data = Some(value),
                },
                _ => {}
            }
        }
        out
    }
}
