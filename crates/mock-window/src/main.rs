//! `mock-window`: runs the mock Single Window until interrupted.
//!
//! The first line on stdout is `listening on http://ADDR`, so scripts and
//! tests that start it with `--port 0` learn the port it got; the second is
//! `control token: TOKEN`, what `/control` requests carry in `X-Control-Token`.

use std::io::Write;

use clap::Parser;
use portdesk_mock_window::{serve, Config, Server};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    // Logs go to stderr so stdout stays machine-readable.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config::parse();
    let server = match Server::bind(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("mock-window: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on http://{}", server.local_addr());
    println!("control token: {}", server.control_token());
    let _ = std::io::stdout().flush();
    tokio::select! {
        r = serve(server) => {
            if let Err(e) = r {
                eprintln!("mock-window: {e}");
                std::process::exit(1);
            }
        }
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("interrupted, stopping");
        }
    }
}
