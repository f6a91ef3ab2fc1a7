//! What the CLI tests share: the sample files and running the `portdesk`
//! binary on a data dir, with secrets in memory (the password from the
//! environment on every run, never the OS keyring).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The mock's seeded operator and password.
pub const OPERATOR: &str = "op01";
pub const PASSWORD: &str = "demo1234";

pub fn fixture(name: &str) -> PathBuf {
    portdesk_testkit::workspace()
        .join("tests/fixtures")
        .join(name)
}

/// Runs `portdesk --data-dir DIR ARGS…` as a logged-in user runs it.
pub fn portdesk(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portdesk"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("PORTDESK_CREDENTIALS", "memory")
        .env("PORTDESK_PASSWORD", PASSWORD)
        .env_remove("PORTDESK_SERVER")
        .env_remove("PORTDESK_CUSTOMS_CODE")
        .env_remove("PORTDESK_OPERATOR")
        .output()
        .expect("run portdesk")
}

/// Status, stdout and stderr, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
