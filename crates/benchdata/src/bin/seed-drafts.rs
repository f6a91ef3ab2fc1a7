//! `seed-drafts DATA_DIR COUNT [--with DECLARATION.json]`: fills the app's
//! database in DATA_DIR with COUNT seeded drafts, plus the declaration in
//! the JSON file when given (benches/app-probe.sh opens its 50-line one);
//! prints that draft's client sequence no. on stdout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use portdesk_benchdata::{info, seed_drafts};
use portdesk_domain::Declaration;
use portdesk_drafts::DB_FILE;
use portdesk_store::Store;
use uuid::Uuid;

const USAGE: &str = "usage: seed-drafts DATA_DIR COUNT [--with DECLARATION.json]";

struct Args {
    data_dir: PathBuf,
    count: usize,
    with: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let data_dir = args.next().ok_or(USAGE)?.into();
    let count = args
        .next()
        .ok_or(USAGE)?
        .parse()
        .map_err(|e| format!("COUNT: {e}"))?;
    let with = match args.next().as_deref() {
        None => None,
        Some("--with") => Some(args.next().ok_or(USAGE)?.into()),
        Some(other) => return Err(format!("unknown argument {other}\n{USAGE}")),
    };
    Ok(Args {
        data_dir,
        count,
        with,
    })
}

async fn run(args: Args) -> Result<Option<String>, String> {
    let path = args.data_dir.join(DB_FILE);
    let store = Store::open(&path)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let started = Instant::now();
    seed_drafts(&store, args.count)
        .await
        .map_err(|e| e.to_string())?;
    eprintln!(
        "seeded {} drafts into {} in {:.1} s",
        args.count,
        path.display(),
        started.elapsed().as_secs_f64()
    );
    let Some(file) = args.with else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let declaration: Declaration =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let seq_no = declaration.client_seq_no.clone();
    store
        .create_declarations(&[(Uuid::now_v7(), declaration, info("import"))])
        .await
        .map_err(|e| e.to_string())?;
    Ok(Some(seq_no))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("seed-drafts: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(seq_no) => {
            if let Some(seq_no) = seq_no {
                println!("{seq_no}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed-drafts: {e}");
            ExitCode::FAILURE
        }
    }
}
