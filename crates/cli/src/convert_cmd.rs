//! `portdesk convert IN --to json|decmessage`: between the JSON interchange
//! file (docs/formats/declaration.md) and the customs declaration message
//! (docs/formats/decmessage.md), without the local store. The input format
//! is told from the content (`<` a message, `{` JSON), so a GBK message
//! named `.txt` converts too. To JSON the message's unmodelled blocks go
//! into `extensions.decmessage`; to a message they are written back. A message that cannot be read exits 2 with
//! the element and line (the error path of `main`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use portdesk_drafts::interchange::read_declarations;
use portdesk_drafts::messages::{read_declarant, sniff, FileKind};
use portdesk_message::{OperType, Version, WriteOptions};

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Target {
    /// The JSON interchange format, one declaration.
    Json,
    /// The declaration message (DecMessage), UTF-8.
    Decmessage,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OperTypeArg {
    /// Save as draft, 暂存.
    G,
    /// Declare, 申报.
    C,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VersionArg {
    #[value(name = "4.8")]
    V48,
    #[value(name = "5.0")]
    V50,
}

#[derive(clap::Args)]
pub struct ConvertArgs {
    /// A declaration message (.xml) or a JSON declaration file.
    input: PathBuf,
    #[arg(long, value_enum)]
    to: Target,
    /// Wrap the message in the ImportMessage envelope of the client's import.
    #[arg(long)]
    envelope: bool,
    #[arg(long, value_enum, default_value = "g")]
    oper_type: OperTypeArg,
    #[arg(long = "message-version", value_enum, default_value = "4.8")]
    message_version: VersionArg,
    /// The account's filing settings (CopCode, InputerName, …) as JSON with
    /// the fields of portdesk_message::Declarant (cop_code, inputer_name, …).
    #[arg(long, value_name = "FILE.json")]
    declarant: Option<PathBuf>,
    /// Write here instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let name = args.input.display().to_string();
    let bytes =
        portdesk_drafts::files::read_limited(&args.input, &portdesk_domain::limits::IMPORT_FILE)?;
    let (declaration, unmodelled, declarant) = match sniff(&bytes) {
        Some(FileKind::Message) => {
            let m = portdesk_message::read(&bytes)
                .with_context(|| format!("{name}: not a readable declaration message"))?;
            (m.declaration, m.unmodelled, Some(m.declarant))
        }
        Some(FileKind::Json) => {
            let text = std::str::from_utf8(&bytes)
                .with_context(|| format!("{name}: a JSON file must be UTF-8"))?;
            let mut all = read_declarations(text).with_context(|| name.clone())?;
            if all.len() != 1 {
                anyhow::bail!(
                    "{name}: holds {} declarations; a message carries one",
                    all.len()
                );
            }
            (all.remove(0), Default::default(), None)
        }
        None => anyhow::bail!(
            "{name}: neither a declaration message (starts with <) nor JSON (starts with {{)"
        ),
    };
    let output = match args.to {
        Target::Json => {
            let mut s = serde_json::to_string_pretty(&declaration)?;
            s.push('\n');
            s.into_bytes()
        }
        Target::Decmessage => {
            let declarant = match &args.declarant {
                Some(path) => read_declarant(path).map_err(|e| anyhow::anyhow!(e.message))?,
                None => declarant.unwrap_or_default(),
            };
            let opts = WriteOptions {
                envelope: args.envelope,
                oper_type: match args.oper_type {
                    OperTypeArg::G => OperType::G,
                    OperTypeArg::C => OperType::C,
                },
                version: match args.message_version {
                    VersionArg::V48 => Version::V4_8,
                    VersionArg::V50 => Version::V5_0,
                },
                declarant,
                unmodelled,
            };
            portdesk_message::write(&declaration, &opts).with_context(|| name.clone())?
        }
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &output).with_context(|| format!("writing {}", path.display()))?
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&output)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
