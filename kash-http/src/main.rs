//! MCP over Streamable HTTP for the Kash POS. (Filled by the HTTP server issue.)

fn main() {
    eprintln!("kash-http: not implemented yet");
    std::process::exit(2);
}
