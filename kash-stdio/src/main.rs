//! MCP over stdio for the Kash POS. (Filled by the MCP server issue.)

fn main() {
    eprintln!("kash-stdio: not implemented yet");
    std::process::exit(2);
}
