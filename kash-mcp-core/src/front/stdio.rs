//! MCP over stdin/stdout with every message answered: this line reader replaces rmcp's, so
//! that a line rmcp would drop (broken JSON, invalid UTF-8, too deep, too long) gets the error
//! JSON-RPC names ([`crate::jsonrpc`]), and the server keeps serving. One writer task owns
//! stdout: the service's messages and these answers never interleave.

use std::future::Future;
use std::io;

use rmcp::RoleServer;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::Transport;
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

use crate::jsonrpc::{self, INVALID_REQUEST, MAX_MESSAGE_BYTES, Screened};

/// Bytes of an oversized line kept to read its id.
const HEAD_BYTES: usize = 64 * 1024;

/// Stdin as a non-blocking pipe when it is one (checked before anything is changed),
/// otherwise Tokio's.
fn stdin() -> Box<dyn AsyncRead + Send + Unpin> {
    #[cfg(unix)]
    if let Some(fd) = fifo(&std::io::stdin())
        && let Ok(pipe) = tokio::net::unix::pipe::Receiver::from_owned_fd(fd)
    {
        return Box::new(pipe);
    }
    Box::new(tokio::io::stdin())
}

/// Stdout as a non-blocking pipe when it is one, otherwise Tokio's.
fn stdout() -> Box<dyn AsyncWrite + Send + Unpin> {
    #[cfg(unix)]
    if let Some(fd) = fifo(&std::io::stdout())
        && let Ok(pipe) = tokio::net::unix::pipe::Sender::from_owned_fd(fd)
    {
        return Box::new(pipe);
    }
    Box::new(tokio::io::stdout())
}

/// A copy of the descriptor, if it is a pipe. (The pipe's conversion checks the access mode
/// before it makes the descriptor non-blocking, so a refusal leaves it as it was.)
#[cfg(unix)]
fn fifo(stream: &impl std::os::fd::AsFd) -> Option<std::os::fd::OwnedFd> {
    use std::os::unix::fs::FileTypeExt;
    let file = std::fs::File::from(stream.as_fd().try_clone_to_owned().ok()?);
    file.metadata()
        .ok()?
        .file_type()
        .is_fifo()
        .then(|| file.into())
}

/// A line-delimited JSON-RPC transport for the server side.
#[derive(Debug)]
pub struct LineTransport {
    inbound: mpsc::Receiver<ClientJsonRpcMessage>,
    out: Option<mpsc::Sender<Vec<u8>>>,
}

impl LineTransport {
    /// Over this process's stdin and stdout. Pipes (what MCP clients give a server they
    /// start) are read and written as the runtime's own non-blocking descriptors; anything
    /// else (a terminal, a file) through Tokio's standard streams, which hand each read and
    /// write to a thread of their own: two thread switches more per message.
    pub fn stdio() -> Self {
        Self::new(stdin(), stdout())
    }

    /// Over any reader and writer (tests use a pipe).
    pub fn new<R, W>(reader: R, writer: W) -> Self
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (in_tx, inbound) = mpsc::channel(64);
        let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>(64);
        tokio::spawn(write_loop(writer, out_rx));
        tokio::spawn(read_loop(BufReader::new(reader), in_tx, out_tx.clone()));
        Self {
            inbound,
            out: Some(out_tx),
        }
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(mut w: W, mut lines: mpsc::Receiver<Vec<u8>>) {
    while let Some(line) = lines.recv().await {
        if w.write_all(&line).await.is_err() || w.flush().await.is_err() {
            break;
        }
    }
}

fn line_of(v: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Reads one line of at most [`MAX_MESSAGE_BYTES`]; a longer one is consumed to its end and
/// only its head kept. `None` at end of input.
async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut oversized = false;
    loop {
        let (used, done) = {
            let available = r.fill_buf().await?;
            if available.is_empty() {
                return Ok(if buf.is_empty() && !oversized {
                    None
                } else {
                    Some(oversized)
                });
            }
            let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
                Some(i) => (available.get(..i).unwrap_or(&[]), true),
                None => (available, false),
            };
            if !oversized {
                if buf.len() + chunk.len() > MAX_MESSAGE_BYTES {
                    oversized = true;
                    let room = HEAD_BYTES.saturating_sub(buf.len());
                    buf.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(&[]));
                    buf.truncate(HEAD_BYTES);
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
            (chunk.len() + usize::from(done), done)
        };
        r.consume(used);
        if done {
            return Ok(Some(oversized));
        }
    }
}

async fn read_loop<R: AsyncBufRead + Unpin>(
    mut r: R,
    inbound: mpsc::Sender<ClientJsonRpcMessage>,
    out: mpsc::Sender<Vec<u8>>,
) {
    let mut buf = Vec::new();
    loop {
        let oversized = match read_line(&mut r, &mut buf).await {
            Ok(Some(o)) => o,
            Ok(None) | Err(_) => break,
        };
        if oversized {
            let id = jsonrpc::scan_id(&buf).unwrap_or(Value::Null);
            let reply = jsonrpc::error_reply(
                id,
                INVALID_REQUEST,
                &format!(
                    "Invalid Request: the message is longer than {} MiB",
                    MAX_MESSAGE_BYTES >> 20
                ),
            );
            tracing::info!("oversized message refused");
            if out.send(line_of(&reply)).await.is_err() {
                break;
            }
            continue;
        }
        let mut line: &[u8] = &buf;
        line = line.strip_suffix(b"\r").unwrap_or(line);
        line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match jsonrpc::screen(line) {
            Screened::Message(m) => {
                if inbound.send(*m).await.is_err() {
                    break;
                }
            }
            Screened::Reply(v) => {
                tracing::info!(
                    code = v
                        .get("error")
                        .and_then(|e| e.get("code"))
                        .and_then(serde_json::Value::as_i64)
                        .unwrap_or(0),
                    "malformed message answered"
                );
                if out.send(line_of(&v)).await.is_err() {
                    break;
                }
            }
            Screened::Ignore => tracing::debug!("unreadable notification ignored"),
        }
    }
}

impl Transport<RoleServer> for LineTransport {
    type Error = io::Error;

    fn send(
        &mut self,
        item: ServerJsonRpcMessage,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let out = self.out.clone();
        async move {
            let out = out.ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
            let mut line = serde_json::to_vec(&item)?;
            line.push(b'\n');
            out.send(line)
                .await
                .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.inbound.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.out.take();
        self.inbound.close();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn long_lines_are_consumed_and_their_head_kept() {
        let mut big = br#"{"jsonrpc":"2.0","id":5,"method":"ping","params":{"x":""#.to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_MESSAGE_BYTES + 10));
        big.extend_from_slice(b"\"}}\n{\"next\":1}\n");
        let mut r = BufReader::new(&big[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut r, &mut buf).await.unwrap(), Some(true));
        assert_eq!(buf.len(), HEAD_BYTES);
        assert_eq!(jsonrpc::scan_id(&buf), Some(serde_json::json!(5)));
        assert_eq!(read_line(&mut r, &mut buf).await.unwrap(), Some(false));
        assert_eq!(buf, b"{\"next\":1}");
        assert_eq!(read_line(&mut r, &mut buf).await.unwrap(), None);
    }
}
