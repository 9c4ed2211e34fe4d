//! A minimal incremental `text/event-stream` parser.
//!
//! It exists so that one load process can hold 10,000+ streams: it keeps only
//! the current partial line, event type, data and last id per stream, copies
//! nothing it does not need, and hands each dispatched event to a callback
//! without allocating.

/// One dispatched event, borrowed from the parser's buffers.
#[derive(Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The last event id seen on the stream (it persists across events).
    pub id: &'a [u8],
    /// The event type; `message` when the event named none.
    pub event: &'a [u8],
    /// The data lines joined with LF, without the final LF.
    pub data: &'a [u8],
}

/// Parser state for one stream: feed it body bytes as they arrive.
#[derive(Default)]
pub struct Parser {
    /// Bytes of a line whose terminator has not arrived yet.
    partial: Vec<u8>,
    /// The previous chunk ended in CR: an LF starting the next chunk belongs to it.
    skip_lf: bool,
    /// `event:` field of the event being built.
    event: Vec<u8>,
    /// `data:` lines of the event being built, each followed by LF.
    data: Vec<u8>,
    /// Last event id (persists, as the spec says).
    last_id: Vec<u8>,
}

impl Parser {
    /// Feeds bytes; calls `on_event` for every event completed by a blank line.
    /// Lines end in LF, CRLF or CR, also when the terminator is split across calls.
    pub fn feed(&mut self, mut input: &[u8], on_event: &mut impl FnMut(Event<'_>)) {
        if self.skip_lf && !input.is_empty() {
            if input[0] == b'\n' {
                input = &input[1..];
            }
            self.skip_lf = false;
        }
        while let Some(pos) = input.iter().position(|&b| b == b'\n' || b == b'\r') {
            if self.partial.is_empty() {
                self.line(&input[..pos], on_event);
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(&input[..pos]);
                self.line(&line, on_event);
                line.clear();
                self.partial = line;
            }
            let was_cr = input[pos] == b'\r';
            input = &input[pos + 1..];
            if was_cr {
                match input.first() {
                    None => self.skip_lf = true,
                    Some(b'\n') => input = &input[1..],
                    Some(_) => {}
                }
            }
        }
        self.partial.extend_from_slice(input);
    }

    /// Interprets one complete line (without its terminator).
    fn line(&mut self, line: &[u8], on_event: &mut impl FnMut(Event<'_>)) {
        if line.is_empty() {
            self.dispatch(on_event);
            return;
        }
        if line[0] == b':' {
            return; // comment, e.g. a heartbeat
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"event" => {
                self.event.clear();
                self.event.extend_from_slice(value);
            }
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"id" if !value.contains(&0) => {
                self.last_id.clear();
                self.last_id.extend_from_slice(value);
            }
            _ => {} // `retry` and unknown fields do not matter here
        }
    }

    /// Blank line: dispatch unless the data buffer is empty, then reset.
    fn dispatch(&mut self, on_event: &mut impl FnMut(Event<'_>)) {
        if !self.data.is_empty() {
            let data = &self.data[..self.data.len() - 1];
            let event = if self.event.is_empty() {
                &b"message"[..]
            } else {
                &self.event[..]
            };
            on_event(Event {
                id: &self.last_id,
                event,
                data,
            });
        }
        self.data.clear();
        self.event.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(chunks: &[&[u8]]) -> Vec<(String, String, String)> {
        let mut p = Parser::default();
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut |e: Event<'_>| {
                out.push((
                    String::from_utf8_lossy(e.id).into_owned(),
                    String::from_utf8_lossy(e.event).into_owned(),
                    String::from_utf8_lossy(e.data).into_owned(),
                ))
            });
        }
        out
    }

    #[test]
    fn parses_fields_comments_and_multiline_data() {
        let got =
            collect(&[b"retry: 3000\n: heartbeat\n\nid: 7\nevent: change\ndata: a\ndata:b\n\n"]);
        assert_eq!(got, vec![("7".into(), "change".into(), "a\nb".into())]);
    }

    #[test]
    fn every_split_and_line_ending_gives_the_same_events() {
        let text: &[u8] = b"id: 1\r\nevent: snapshot\r\ndata: {}\r\n\r\nid: 2\rdata: x\r\rdata\n\n";
        let whole = collect(&[text]);
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[2], ("2".into(), "message".into(), "".into()));
        for i in 0..text.len() {
            assert_eq!(collect(&[&text[..i], &text[i..]]), whole, "split at {i}");
        }
    }

    #[test]
    fn event_without_data_is_not_dispatched() {
        assert!(collect(&[b"event: ping\n\n"]).is_empty());
    }
}
