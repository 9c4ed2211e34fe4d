//! An incremental decoder for HTTP/1.1 `Transfer-Encoding: chunked` bodies.
//!
//! Streaming servers (hyper, nginx) send an event stream chunked; the raw SSE
//! client needs the payload bytes without pulling in an HTTP client per stream.

/// Where the decoder is within the chunk framing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading the hex size; `ext` is true once a `;` extension started.
    Size { size: u64, digits: u8, ext: bool },
    /// Inside chunk data, this many bytes left.
    Data(u64),
    /// After chunk data, expecting CRLF (`cr` true once CR was seen).
    DataEnd { cr: bool },
    /// The zero-size chunk arrived: the body is over.
    Done,
}

/// Decoder state for one response body.
pub struct Decoder {
    state: State,
}

/// Framing the decoder cannot accept.
#[derive(Debug)]
pub struct ChunkError(pub &'static str);

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            state: State::Size {
                size: 0,
                digits: 0,
                ext: false,
            },
        }
    }
}

impl Decoder {
    /// True once the terminating zero-size chunk was read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes `input`, passing every payload slice to `out`.
    pub fn feed(
        &mut self,
        mut input: &[u8],
        out: &mut impl FnMut(&[u8]),
    ) -> Result<(), ChunkError> {
        while !input.is_empty() {
            match &mut self.state {
                State::Size { size, digits, ext } => {
                    let b = input[0];
                    input = &input[1..];
                    match b {
                        b'\n' => {
                            if *digits == 0 {
                                return Err(ChunkError("empty chunk size"));
                            }
                            // Trailers after the last chunk are not expected from
                            // an event stream; the body is over either way.
                            self.state = if *size == 0 {
                                State::Done
                            } else {
                                State::Data(*size)
                            };
                        }
                        _ if *ext || b == b'\r' => {}
                        b';' => *ext = true,
                        _ => {
                            let d = (b as char)
                                .to_digit(16)
                                .ok_or(ChunkError("bad chunk size digit"))?;
                            if *digits >= 15 {
                                return Err(ChunkError("chunk size too large"));
                            }
                            *size = *size * 16 + u64::from(d);
                            *digits += 1;
                        }
                    }
                }
                State::Data(left) => {
                    let n = (*left).min(input.len() as u64) as usize;
                    out(&input[..n]);
                    input = &input[n..];
                    *left -= n as u64;
                    if *left == 0 {
                        self.state = State::DataEnd { cr: false };
                    }
                }
                State::DataEnd { cr } => {
                    let b = input[0];
                    input = &input[1..];
                    match (b, *cr) {
                        (b'\r', false) => *cr = true,
                        (b'\n', _) => *self = Decoder::default(),
                        _ => return Err(ChunkError("missing CRLF after chunk data")),
                    }
                }
                State::Done => return Ok(()),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_across_any_split() {
        let body: &[u8] = b"5\r\nhello\r\n7;x=1\r\n, world\r\n0\r\n\r\n";
        for i in 0..body.len() {
            let mut d = Decoder::default();
            let mut out = Vec::new();
            d.feed(&body[..i], &mut |s| out.extend_from_slice(s))
                .unwrap();
            d.feed(&body[i..], &mut |s| out.extend_from_slice(s))
                .unwrap();
            assert_eq!(out, b"hello, world", "split at {i}");
            assert!(d.is_done());
        }
    }

    #[test]
    fn rejects_garbage() {
        let mut d = Decoder::default();
        assert!(d.feed(b"zz\r\n", &mut |_| {}).is_err());
    }
}
