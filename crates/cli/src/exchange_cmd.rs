//! `portdesk exchange set | show | clear` — filing declarations through the
//! Single Window client's exchange folders (报文交换目录) instead of the
//! HTTP API — and `portdesk exchange retry SEQ`, the clerk's retry of a
//! failed outbox entry (a file the client left untaken).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use portdesk_domain::limits::DOCUMENT_FILE;
use portdesk_drafts::files::read_text_limited;
use portdesk_message::Declarant;
use portdesk_sync::exchange::{self, ExchangeSettings};

use crate::sync_cmd::{account_of, fail};
use crate::{open_drafts, OptAccountArgs};

#[derive(clap::Args)]
pub struct ExchangeArgs {
    #[command(subcommand)]
    command: ExchangeCommand,
}

#[derive(clap::Subcommand)]
enum ExchangeCommand {
    /// File the account's declarations through the folders under ROOT
    /// (the folder holding `Dec/OutBox`, `SentBox`, `FailBox`, `InBox`).
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
    let drafts = open_drafts(data_dir).await?;
    let store = drafts.store();
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
            exchange::set_settings(store, &account, Some(&settings))
                .await
                .map_err(fail)?;
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
