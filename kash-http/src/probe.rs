//! `kash-http --health-check`: asks a running server for `/health`, for a container's health
//! check (a `FROM scratch` image has no curl). Plain HTTP/1.1 on loopback; nothing else starts.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Where to ask: the listening address, with a wildcard host (`0.0.0.0`, `::`) turned into the
/// loopback address of the same family.
pub fn probe_address(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

/// `GET /health` on the server listening at `listen`, within `timeout`.
///
/// # Errors
/// No connection, no answer in time, or an answer other than 200 `ok`, said in words.
pub fn health_check(listen: SocketAddr, timeout: Duration) -> Result<(), String> {
    let addr = probe_address(listen);
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("no server at {addr}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| format!("{addr}: {e}"))?;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| format!("{addr}: {e}"))?;
    let mut answer = Vec::with_capacity(256);
    stream
        .take(4096)
        .read_to_end(&mut answer)
        .map_err(|e| format!("{addr}: no answer: {e}"))?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.lines().next().unwrap_or_default();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") && body.trim() == "ok" {
        Ok(())
    } else {
        Err(format!("{addr}/health answered `{status}`"))
    }
}
