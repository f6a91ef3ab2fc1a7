//! `portdesk exchange set | show | clear` — filing declarations through the
//! Single Window client's exchange folders (报文交换目录) instead of the
//! HTTP API — and `portdesk exchange retry SEQ`, the clerk's retry of a
//! failed outbox entry (a file the client left untaken).
//!
//! `exchange set ROOT --customs-code C --operator O` with no server sets
//! up an exchange-only account (仅交换目录): no login, no password, nothing
//! in the keyring; it is remembered, so `portdesk sync` files as it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use portdesk_domain::limits::DOCUMENT_FILE;
use portdesk_drafts::files::read_text_limited;
use portdesk_message::Declarant;
use portdesk_sync::exchange::{self, ExchangeSettings};
use portdesk_sync::MemoryStore;

use crate::sync_cmd::{account_of, fail};
use crate::{open_workspace_with, OptAccountArgs};

#[derive(clap::Args)]
pub struct ExchangeArgs {
    #[command(subcommand)]
    command: ExchangeCommand,
}

#[derive(clap::Subcommand)]
enum ExchangeCommand {
    /// File the account's declarations through the folders under ROOT
    /// (the folder holding `Dec/OutBox`, `SentBox`, `FailBox`, `InBox`).
    /// With --customs-code and --operator and no --server: an account
    /// with no server, remembered for `sync` (no login, no password).
    Set {
        root: PathBuf,
        /// The message's declarant fields (CopCode, InputerName,
        /// DeclareName, TypistNo, ICCode …) as JSON; CopCode defaults to
        /// the account's customs code.
        #[arg(long)]
        declarant: Option<PathBuf>,
        /// A file untaken (or unanswered) this long is stuck.
        #[arg(long, default_value_t = 900)]
        stuck_after_secs: u64,
        /// How often a waiting filing looks at its file again.
        #[arg(long, default_value_t = 2000)]
        poll_ms: u64,
        #[command(flatten)]
        account: OptAccountArgs,
    },
    /// Print the account's exchange settings as JSON (nothing when none).
    Show {
        #[command(flatten)]
        account: OptAccountArgs,
    },
    /// File through the HTTP API again.
    Clear {
        #[command(flatten)]
        account: OptAccountArgs,
    },
    /// Send failed outbox entry SEQ again (same key and body).
    Retry { seq: i64 },
}

pub async fn run(data_dir: Option<PathBuf>, args: ExchangeArgs) -> anyhow::Result<ExitCode> {
    // No command here reads a secret: an empty memory store, so the
    // keyring is never asked (an exchange-only account has none).
    let workspace = open_workspace_with(data_dir, Arc::new(MemoryStore::new())).await?;
    let store = workspace.drafts.store();
    match args.command {
        ExchangeCommand::Set {
            root,
            declarant,
            stuck_after_secs,
            poll_ms,
            account,
        } => {
            let account = account_of(store, account).await?;
            let root = std::fs::canonicalize(&root)
                .with_context(|| format!("exchange root {}", root.display()))?;
            let declarant: Declarant = match declarant {
                Some(path) => {
                    let text = read_text_limited(&path, &DOCUMENT_FILE)?;
                    serde_json::from_str(&text)
                        .with_context(|| format!("{}: not a declarant JSON", path.display()))?
                }
                None => Declarant::default(),
            };
            let settings = ExchangeSettings {
                declarant,
                stuck_after_secs,
                poll_ms,
                ..ExchangeSettings::new(root)
            };
            settings.check_root().map_err(fail)?;
            if account.has_server() {
                exchange::set_settings(store, &account, Some(&settings))
                    .await
                    .map_err(fail)?;
            } else {
                workspace
                    .sync
                    .sign_in_exchange(&account.customs_code, &account.operator, settings.clone())
                    .await
                    .map_err(fail)?;
            }
            eprintln!(
                "declarations of {} now go through {}",
                account.key(),
                settings.root.display()
            );
        }
        ExchangeCommand::Show { account } => {
            let account = account_of(store, account).await?;
            if let Some(s) = exchange::settings(store, &account).await.map_err(fail)? {
                println!("{}", serde_json::to_string_pretty(&s)?);
            }
        }
        ExchangeCommand::Clear { account } => {
            let account = account_of(store, account).await?;
            if !account.has_server() {
                anyhow::bail!(
                    "[no_server] {} has no server and files only through the exchange folders: \
                     `portdesk logout` and `portdesk login` to a server instead",
                    account.key()
                );
            }
            exchange::set_settings(store, &account, None)
                .await
                .map_err(fail)?;
        }
        ExchangeCommand::Retry { seq } => {
            if !store.retry_failed_entry(seq).await? {
                anyhow::bail!("outbox entry {seq} is not failed: nothing to retry");
            }
            eprintln!("outbox entry {seq} queued again");
        }
    }
    Ok(ExitCode::SUCCESS)
}
