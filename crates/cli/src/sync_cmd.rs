//! `portdesk login | logout | file | sync`: the Single Window side of the CLI.
//! `login` also caches the reference data (guarantees, enterprise profile,
//! port fees) that `file` checks a tax-payment choice against offline.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use portdesk_domain::guarantee::TaxPaymentChoice;
use portdesk_domain::limits::{DOCUMENT_FILE, PASSWORD_INPUT};
use portdesk_drafts::files::{read_bounded, read_text_limited};
use portdesk_sync::{
    remembered_account, Account, CredentialStore, KeyringStore, MemoryStore, Secret, SecretKind,
    SyncConfig, SyncEvent, Worker,
};

use crate::{open_drafts, open_workspace_with, AccountArgs, CredArgs, CredKind, OptAccountArgs};

/// Environment variable with the password, for scripts (`--password-stdin`
/// is preferred: the environment of a process can be read by its owner).
const PASSWORD_ENV: &str = "PORTDESK_PASSWORD";

fn credential_store(args: &CredArgs) -> anyhow::Result<Arc<dyn CredentialStore>> {
    Ok(match args.credentials {
        CredKind::Keyring => Arc::new(KeyringStore),
        CredKind::Memory => Arc::new(MemoryStore::new()),
    })
}

/// The password from `--password-stdin` or the environment.
fn read_password(from_stdin: bool) -> anyhow::Result<Option<Secret>> {
    if from_stdin {
        // Bounded: stdin may be a file or a pipe that never ends.
        let bytes = read_bounded(std::io::stdin().lock(), "stdin", &PASSWORD_INPUT)?;
        let text = String::from_utf8(bytes).context("stdin: the password is not UTF-8 text")?;
        let pw = text.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(!pw.is_empty(), "empty password on stdin");
        return Ok(Some(Secret::new(pw)));
    }
    Ok(std::env::var(PASSWORD_ENV).ok().map(Secret::new))
}

pub fn fail(e: portdesk_sync::SyncError) -> anyhow::Error {
    anyhow::anyhow!("[{}] {e}", e.code())
}

pub async fn login(
    data_dir: Option<PathBuf>,
    args: AccountArgs,
    password_stdin: bool,
    creds: CredArgs,
) -> anyhow::Result<ExitCode> {
    let password = read_password(password_stdin)?
        .with_context(|| format!("no password: use --password-stdin or ${PASSWORD_ENV}"))?;
    let workspace = open_workspace_with(data_dir, credential_store(&creds)?).await?;
    let account = Account::new(&args.server, &args.customs_code, &args.operator);
    // The app's login, without its background worker: `sync` delivers.
    workspace
        .sync
        .sign_in(account.clone(), password)
        .await
        .map_err(fail)?;
    // Guarantees and enterprise profile for the offline tax check of
    // `file` (as the app refreshes after login). Not fatal: without them
    // filing sends the choice unchecked and the server decides.
    if let Err(e) = workspace.refresh_reference().await {
        eprintln!(
            "portdesk: reference data not refreshed: [{}] {}",
            e.code, e.message
        );
    }
    println!("logged in\t{}", account.key());
    Ok(ExitCode::SUCCESS)
}

pub async fn logout(data_dir: Option<PathBuf>, creds: CredArgs) -> anyhow::Result<ExitCode> {
    let workspace = open_workspace_with(data_dir, credential_store(&creds)?).await?;
    match workspace.sync.sign_out().await.map_err(fail)? {
        Some(account) => println!("logged out\t{}", account.key()),
        None => println!("not logged in"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Tax options of `portdesk file`.
pub struct TaxOptions {
    /// A `TaxPaymentChoice` JSON file to set on every draft filed.
    pub choice: Option<PathBuf>,
    /// `--skip-tax-check`: file without the offline check, so the server
    /// answers (a forced filing the server rejects with the same rule).
    pub skip_check: bool,
}

pub async fn file(
    data_dir: Option<PathBuf>,
    files: Vec<PathBuf>,
    all_ready: bool,
    tax: TaxOptions,
) -> anyhow::Result<ExitCode> {
    // Read before anything is imported: a bad choice file changes nothing.
    let choice: Option<TaxPaymentChoice> = match &tax.choice {
        Some(path) => {
            let text = read_text_limited(path, &DOCUMENT_FILE)?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("{}: not a tax-payment choice", path.display()))?,
            )
        }
        None => None,
    };
    // So are the declaration files, all of them: one refused changes nothing.
    let declarations = if all_ready {
        Vec::new()
    } else {
        anyhow::ensure!(!files.is_empty(), "file needs FILE.json or --all-ready");
        crate::read_import_files(&files)?
    };
    let mut drafts = open_drafts(data_dir).await?;
    if tax.skip_check {
        drafts = drafts.without_tax_check();
    }
    let mut ids = Vec::new();
    if all_ready {
        ids = drafts.ready_ids().await?;
    } else {
        for declaration in declarations {
            ids.push(drafts.import(declaration).await?.meta.id);
        }
    }
    let mut refused = 0;
    for id in ids {
        if let Some(choice) = &choice {
            drafts.set_tax_choice(id, choice).await?;
        }
        // One transaction per draft, and the line printed only after its
        // commit: a script (the crash test) may trust every printed line.
        match drafts.file(&[id]).await {
            Ok(filed) => {
                for f in filed {
                    println!(
                        "filed\t{}\t{}\tr{}\t{}",
                        f.meta.client_seq_no, f.meta.id, f.meta.revision, f.idempotency_key
                    );
                }
            }
            Err(e) => {
                refused += 1;
                // `tax_refused` names the TAX-* rule and field in `e`.
                println!("refused\t{id}\t{}\t{e}", e.code());
            }
        }
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Receipt codes of a rejected filing (退单: the declaration, or a two-step
/// summary).
const REJECTED_CODES: &[&str] = &["E", "SpE"];

/// One line per reason of every filing whose latest receipt is a rejection,
/// whether it came in this run or earlier and still stands:
/// `rejected<TAB>client_seq_no<TAB>rule<TAB>field<TAB>message`, so the user
/// sees which rule refused which field without opening the app. A rejection
/// without machine-readable reasons gets one line with the receipt's text.
async fn print_rejections(store: &portdesk_store::Store) -> anyhow::Result<()> {
    // One field per column: the messages are prose and may hold tabs.
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    for r in store.latest_receipts_in(REJECTED_CODES).await? {
        let receipt = &r.receipt;
        let reasons: Vec<portdesk_api::RejectionReason> =
            serde_json::from_str(&receipt.reasons).unwrap_or_default();
        if reasons.is_empty() {
            println!(
                "rejected\t{}\t\t\t{}",
                receipt.client_seq_no,
                clean(&receipt.message_zh)
            );
        }
        for reason in reasons {
            // zh-CN: the product's language; the rule id and field are the
            // machine-readable part.
            println!(
                "rejected\t{}\t{}\t{}\t{}",
                receipt.client_seq_no,
                reason.rule,
                reason.field,
                clean(&reason.message_zh)
            );
        }
    }
    Ok(())
}

/// The account named by the flags, or the one last logged in (or set up
/// by `exchange set`). `--customs-code` and `--operator` without
/// `--server` (or with an empty one) name an exchange-only account.
pub async fn account_of(
    store: &portdesk_store::Store,
    args: OptAccountArgs,
) -> anyhow::Result<Account> {
    let server = args.server.filter(|s| !s.trim().is_empty());
    Ok(match (server, args.customs_code, args.operator) {
        (Some(s), Some(c), Some(o)) => Account::new(&s, &c, &o),
        (None, Some(c), Some(o)) => Account::exchange_only(&c, &o),
        (None, None, None) => remembered_account(store).await.map_err(fail)?.context(
            "not logged in: run `portdesk login`, or `portdesk exchange set ROOT --customs-code C \
             --operator O`, or pass --customs-code and --operator (and --server)",
        )?,
        _ => anyhow::bail!(
            "pass --customs-code and --operator (with --server for an account with a server), or none"
        ),
    })
}

pub async fn sync(
    data_dir: Option<PathBuf>,
    until_idle: bool,
    timeout_secs: u64,
    args: OptAccountArgs,
    creds: CredArgs,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let memory = creds.credentials == CredKind::Memory;
    let creds = credential_store(&creds)?;
    let workspace = open_workspace_with(data_dir, creds.clone()).await?;
    let store = workspace.drafts.store().clone();
    let account = account_of(&store, args).await?;
    // An exchange-only account has no password to bring.
    if memory && account.has_server() {
        // Nothing persists in memory: the password comes with every run.
        let pw = read_password(false)?
            .with_context(|| format!("--credentials memory needs ${PASSWORD_ENV}"))?;
        creds
            .set(&account, SecretKind::Password, &pw)
            .map_err(fail)?;
    }
    // Headless runs wait for receipts: poll them more often than the app.
    let config = SyncConfig {
        receipt_poll: Duration::from_secs(1),
        ..SyncConfig::default()
    };
    let session = workspace.sync.session_for(account);
    let transport = portdesk_sync::exchange::account_transport(&session)
        .await
        .map_err(fail)?;
    let mut worker = Worker::with_transport(session.clone(), transport, config);
    if verbose {
        worker = worker.on_event(Arc::new(|e: &SyncEvent| eprintln!("{e:?}")));
    }
    if !until_idle {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = tx.send(true);
        });
        worker.run(rx).await.map_err(fail)?;
    } else {
        worker
            .run_until_idle(Duration::from_secs(timeout_secs))
            .await
            .map_err(fail)?;
    }
    let s = worker.summary().await.map_err(fail)?;
    println!(
        "outbox\tdone {}\tfailed {}\tpending {}",
        s.counts.done,
        s.counts.failed,
        s.counts.pending()
    );
    for (csn, reason) in &s.failed {
        println!("failed\t{csn}\t{reason}");
    }
    let receipts: Vec<String> = s
        .receipts
        .iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    println!("receipts\t{}", receipts.join("\t"));
    println!("awaiting receipts\t{}", s.awaiting_receipts);
    print_rejections(&store).await?;
    // The issuer keys, so `portdesk verify` works offline afterwards
    // (there is no one to ask without a server).
    if session.account().has_server() {
        match workspace.cache_issuer_keys(&session).await {
            Ok(n) => println!("issuer keys\t{n}"),
            Err(e) => eprintln!("portdesk: issuer keys not refreshed: [{}] {e}", e.code()),
        }
    }
    Ok(ExitCode::SUCCESS)
}
