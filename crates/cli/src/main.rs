//! `portdesk`: PortDesk without a window, for scripts and servers.
//!
//! - `portdesk validate FILE.json` prints every problem with rule id, field
//!   path and message; exit status 1 when an error is found.
//! - `portdesk import FILE|FOLDER…` / `portdesk export [--format json|decmessage]
//!   [--out FILE|DIR]` move drafts in and out of the local store as JSON
//!   (docs/formats/declaration.md) or declaration messages
//!   (docs/formats/decmessage.md); import takes each file on its own.
//! - `portdesk import FILE.xlsx|.xls|.csv [--layout NAME] [--into ID]`,
//!   `portdesk export --format xlsx`, `portdesk layout …` and `portdesk
//!   template-sheet` move spreadsheets in and out (docs/formats/excel.md).
//! - `portdesk copy ID|CLIENT_SEQ_NO` copies a draft into a new one.
//! - `portdesk goods list|search|show|import|export`: the goods library
//!   (商品库, docs/goods-library.md).
//! - `portdesk new`, `portdesk template save|list|new|diff|rename|delete`
//!   and `portdesk defaults set|clear|show|self-filing`: new declarations
//!   with the defaults (初始值), and templates (docs/templates.md).
//! - `portdesk schema` prints the JSON Schema of the interchange format.
//! - `portdesk login` / `logout` keep the Single Window password in the OS
//!   keyring (never in the database); `portdesk file` files declarations
//!   (revision + outbox entry in one transaction); `portdesk sync` runs the
//!   outbox worker headless (docs/sync.md).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use portdesk_domain::{CodeLists, Purpose, Severity};
use portdesk_drafts::interchange::{check_lengths, read_declarations_file};
use portdesk_drafts::{load_code_lists, Drafts, DATA_DIR_ENV};
use portdesk_workspace::Workspace;

mod convert_cmd;
mod exchange_cmd;
mod flows_cmd;
mod goods_cmd;
mod messages_cmd;
mod origin_cmd;
mod print_cmd;
mod sheets_cmd;
mod sync_cmd;
mod template_cmd;
mod verify;

#[derive(Parser)]
#[command(
    name = "portdesk",
    version,
    about = "PortDesk 口岸申报助手 — command line"
)]
struct Cli {
    /// Data directory holding portdesk.db (default: $PORTDESK_DATA_DIR, else the OS app-data dir).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Level {
    /// Save-a-draft requirements (暂存).
    Draft,
    /// Declare requirements (申报).
    Declare,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub(crate) enum Lang {
    Zh,
    En,
    Both,
}

#[derive(Subcommand)]
enum Command {
    /// Validate declaration files; exit 1 when any error is found.
    Validate {
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "declare")]
        level: Level,
        #[arg(long, value_enum, default_value = "both")]
        lang: Lang,
        /// Print the problems as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Import declarations as drafts: declaration messages (DecMessage XML),
    /// JSON declarations or export bundles, and folders of them (every
    /// *.xml and *.json directly inside, by name). Each file on its own: one
    /// line per file on stdout (FILE ok SEQ STATUS rREV PROBLEMS, or FILE
    /// error CODE ELEMENT LINE MESSAGE); exit 1 when any file was refused.
    ///
    /// Spreadsheets (.xlsx, .xls, .csv) go through a layout
    /// (docs/formats/excel.md): the preview's problems are printed, then
    /// what it built is saved (over 50 lines: several drafts sharing the
    /// head); an unreadable cell refuses the file, nothing saved.
    Import {
        /// Files or folders.
        files: Vec<PathBuf>,
        /// Spreadsheets: the saved layout (or `template`); default the one
        /// whose headers match.
        #[arg(long)]
        layout: Option<String>,
        /// Spreadsheets: append the lines to this draft (id or client
        /// sequence no.); filled head fields replace its own.
        #[arg(long)]
        into: Option<String>,
    },
    /// Export drafts: a JSON bundle (to stdout unless --out), or with
    /// --format decmessage one message per draft into --out DIR.
    Export(messages_cmd::ExportArgs),
    /// Spreadsheet import layouts (导入格式): save, list, show, delete.
    #[command(subcommand)]
    Layout(sheets_cmd::LayoutCommand),
    /// Write the spreadsheet template to fill in (报关单模板, .xlsx):
    /// sheets 表头 Head, 商品 Lines, 集装箱 Containers, 随附单证 Documents,
    /// 随附单据 Edocs, with code choices.
    TemplateSheet {
        #[arg(long)]
        out: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of a declaration file.
    Schema,
    /// Convert between a JSON declaration and a declaration message (DecMessage).
    Convert(convert_cmd::ConvertArgs),
    /// File declarations through the Single Window client's exchange folders.
    Exchange(exchange_cmd::ExchangeArgs),
    /// Verify a self-printed certificate of origin offline: its PDF, an
    /// image of its QR code, or the QR text. Exit 1 when it is not valid.
    Verify {
        /// certificate.pdf, qr.png, or the QR text (PDC1:…).
        input: String,
        /// The issuer's published key(s) as JSON (default: the keys cached by sync).
        #[arg(long = "key")]
        keys: Vec<PathBuf>,
    },
    /// Log in to the Single Window and keep the password in the OS keyring.
    Login {
        #[command(flatten)]
        account: AccountArgs,
        /// Read the password from stdin (else $PORTDESK_PASSWORD).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        creds: CredArgs,
    },
    /// Forget the stored password and token.
    Logout {
        #[command(flatten)]
        creds: CredArgs,
    },
    /// Import declarations and file them: each becomes a queued revision
    /// with its outbox entry (one transaction per declaration).
    File {
        files: Vec<PathBuf>,
        /// File every draft that passes the declare rules.
        #[arg(long, conflicts_with = "files")]
        all_ready: bool,
        /// Set this tax-payment choice (税费支付方式, JSON as in
        /// docs/tax-guarantee.md) on every draft filed by this run.
        #[arg(long, value_name = "FILE.json")]
        tax_choice: Option<PathBuf>,
        /// Skip the offline tax check against the cached guarantees and
        /// enterprise profile: the server then decides (and refuses with
        /// the same TAX-* rule).
        #[arg(long)]
        skip_tax_check: bool,
    },
    /// Queue the complete declaration (完整申报) of a two-step draft whose
    /// summary was released (SpK); `sync` delivers it.
    Complete {
        /// Draft id or client sequence number.
        target: String,
    },
    /// Copy a draft into a new one (复制报关单): a new client sequence
    /// number; the old filing's export date, electronic attachments,
    /// message blocks and advance flag cleared. Prints the new draft as
    /// `import` does.
    Copy {
        /// Draft id or client sequence number.
        target: String,
    },
    /// A new declaration with the defaults (初始值) applied; printed as
    /// `import` prints a draft.
    New {
        #[arg(long, value_enum, default_value = "e")]
        ie: template_cmd::Ie,
    },
    /// Declaration templates (报关单模板).
    #[command(subcommand)]
    Template(template_cmd::TemplateCommand),
    /// Default values of a new declaration (初始值).
    #[command(subcommand)]
    Defaults(template_cmd::DefaultsCommand),
    /// The goods library (商品库): records learnt from accepted declarations.
    #[command(subcommand)]
    Goods(goods_cmd::GoodsCommand),
    /// Queue an amendment (修撤单) of a delivered declaration; `sync` delivers it.
    Amend {
        /// Draft id or client sequence number.
        target: String,
        /// import_date_change, conveyance_change, data_entry_error,
        /// quantity_change, price_change, commodity_code_change, other.
        #[arg(long)]
        reason: String,
        /// FIELD=VALUE, e.g. head.ie_date=20261110 (repeatable).
        #[arg(long = "change", required = true)]
        changes: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Render the printed declaration (报关单草单/核对单) to a PDF: of a
    /// declaration file, or of a saved draft (id or client sequence no.).
    PrintDeclaration {
        /// FILE.json, a draft id or a client sequence number.
        target: String,
        #[arg(long, value_enum, default_value = "draft")]
        kind: print_cmd::KindArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Certificates of origin: precheck, enterprise record, submit, print.
    #[command(subcommand)]
    Origin(origin_cmd::OriginCommand),
    /// Deliver the outbox and pull receipts.
    Sync {
        /// Stop once every entry is done or failed and every delivered
        /// filing has a final receipt; print a summary.
        #[arg(long)]
        until_idle: bool,
        /// Give up after this many seconds (with --until-idle).
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
        /// Override the remembered account (all three, or none).
        #[command(flatten)]
        account: OptAccountArgs,
        #[command(flatten)]
        creds: CredArgs,
        /// Print every sync event on stderr.
        #[arg(long)]
        verbose: bool,
    },
}

#[derive(clap::Args)]
struct AccountArgs {
    /// Single Window base URL, e.g. http://127.0.0.1:8421.
    #[arg(long, env = "PORTDESK_SERVER")]
    server: String,
    /// Enterprise customs code (海关编码).
    #[arg(long, env = "PORTDESK_CUSTOMS_CODE")]
    customs_code: String,
    /// Operator id (操作员).
    #[arg(long, env = "PORTDESK_OPERATOR")]
    operator: String,
}

#[derive(clap::Args)]
struct OptAccountArgs {
    #[arg(long, env = "PORTDESK_SERVER")]
    server: Option<String>,
    #[arg(long, env = "PORTDESK_CUSTOMS_CODE")]
    customs_code: Option<String>,
    #[arg(long, env = "PORTDESK_OPERATOR")]
    operator: Option<String>,
}

#[derive(clap::Args)]
struct CredArgs {
    /// Where secrets live: the OS keyring (default), or process memory for
    /// tests and machines without one (the password then comes from
    /// $PORTDESK_PASSWORD on every run).
    #[arg(
        long,
        value_enum,
        env = "PORTDESK_CREDENTIALS",
        default_value = "keyring"
    )]
    credentials: CredKind,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CredKind {
    Keyring,
    Memory,
}

fn main() -> ExitCode {
    // Logs go to stderr; stdout stays for results scripts read.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,portdesk_sync=info")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portdesk: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate {
            files,
            level,
            lang,
            json,
        } => validate(&files, cli.data_dir, level, lang, json),
        Command::Verify { input, keys } => {
            let data_dir = cli.data_dir.map(Ok).unwrap_or_else(default_data_dir).ok();
            verify::run(
                &input,
                &keys,
                data_dir.as_deref(),
                chrono::Local::now().date_naive(),
            )
        }
        Command::Convert(args) => convert_cmd::run(args),
        Command::Schema => {
            println!(
                "{}",
                serde_json::to_string_pretty(&portdesk_domain::schema::json_schema())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            files,
            layout,
            into,
        } => tokio_run(async move {
            let drafts = open_drafts(cli.data_dir).await?;
            messages_cmd::import(&drafts, &files, layout.as_deref(), into.as_deref()).await
        }),
        Command::Layout(command) => tokio_run(async move {
            let drafts = open_drafts(cli.data_dir).await?;
            sheets_cmd::layout(&drafts, command).await
        }),
        Command::TemplateSheet { out, force } => tokio_run(async move {
            let drafts = open_drafts(cli.data_dir).await?;
            sheets_cmd::template_sheet(&drafts, &out, force)
        }),
        Command::Login {
            account,
            password_stdin,
            creds,
        } => tokio_run(sync_cmd::login(
            cli.data_dir,
            account,
            password_stdin,
            creds,
        )),
        Command::Logout { creds } => tokio_run(sync_cmd::logout(cli.data_dir, creds)),
        Command::File {
            files,
            all_ready,
            tax_choice,
            skip_tax_check,
        } => tokio_run(sync_cmd::file(
            cli.data_dir,
            files,
            all_ready,
            sync_cmd::TaxOptions {
                choice: tax_choice,
                skip_check: skip_tax_check,
            },
        )),
        Command::Complete { target } => tokio_run(flows_cmd::complete(cli.data_dir, target)),
        Command::Copy { target } => tokio_run(flows_cmd::copy(cli.data_dir, target)),
        Command::Amend {
            target,
            reason,
            changes,
            note,
        } => tokio_run(flows_cmd::amend(
            cli.data_dir,
            target,
            reason,
            changes,
            note,
        )),
        Command::New { ie } => tokio_run(template_cmd::new(cli.data_dir, ie)),
        Command::Template(command) => tokio_run(template_cmd::template(cli.data_dir, command)),
        Command::Defaults(command) => tokio_run(template_cmd::defaults(cli.data_dir, command)),
        Command::Goods(command) => tokio_run(goods_cmd::goods(cli.data_dir, command)),
        Command::Origin(command) => tokio_run(origin_cmd::run(cli.data_dir, command)),
        Command::PrintDeclaration { target, kind, out } => {
            tokio_run(print_cmd::run(cli.data_dir, target, kind, out))
        }
        Command::Exchange(args) => tokio_run(exchange_cmd::run(cli.data_dir, args)),
        Command::Sync {
            until_idle,
            timeout_secs,
            account,
            creds,
            verbose,
        } => tokio_run(sync_cmd::sync(
            cli.data_dir,
            until_idle,
            timeout_secs,
            account,
            creds,
            verbose,
        )),
        Command::Export(args) => tokio_run(async move {
            let drafts = open_drafts(cli.data_dir).await?;
            messages_cmd::export(&drafts, args).await
        }),
    }
}

/// Prints `problems` under a heading line (`what: N error(s), M warning(s)`),
/// one line per problem: severity, rule id, field, message.
pub(crate) fn print_problems(what: &str, problems: &[portdesk_domain::Problem], lang: Lang) {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    println!(
        "{what}: {errors} error(s), {} warning(s)",
        problems.len() - errors
    );
    for p in problems {
        let severity = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = match lang {
            Lang::Zh => p.message_zh.clone(),
            Lang::En => p.message_en.clone(),
            Lang::Both => format!("{} / {}", p.message_zh, p.message_en),
        };
        println!("  {severity:<7} {:<8} {:<28} {message}", p.rule, p.field);
    }
}

fn validate(
    files: &[PathBuf],
    data_dir: Option<PathBuf>,
    level: Level,
    lang: Lang,
    json: bool,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(!files.is_empty(), "validate needs at least one FILE.json");
    // The lists in force for the app, so the CLI and the window agree.
    let lists = match data_dir.map(Ok).unwrap_or_else(default_data_dir) {
        Ok(dir) => load_code_lists(&dir),
        Err(_) => CodeLists::bundled(),
    };
    let purpose = match level {
        Level::Draft => Purpose::Draft,
        Level::Declare => Purpose::Declare,
    };
    let mut any_error = false;
    for file in files {
        let declarations = read_declarations_file(file)?;
        for declaration in &declarations {
            let problems = portdesk_domain::validate_declaration(declaration, purpose, &lists);
            any_error |= problems.iter().any(|p| p.severity == Severity::Error);
            if json {
                println!("{}", serde_json::to_string(&problems)?);
                continue;
            }
            print_problems(
                &format!("{} {}", file.display(), declaration.client_seq_no),
                &problems,
                lang,
            );
        }
    }
    Ok(if any_error {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The declarations of every file in `files`, each read up to the import
/// limit and checked against the field lengths; the first file refused
/// fails them all, before anything is imported.
pub(crate) fn read_import_files(
    files: &[PathBuf],
) -> anyhow::Result<Vec<portdesk_domain::Declaration>> {
    let mut all = Vec::new();
    for file in files {
        let declarations = read_declarations_file(file)?;
        check_lengths(&file.display().to_string(), &declarations)?;
        all.extend(declarations);
    }
    Ok(all)
}

fn tokio_run<F: std::future::Future<Output = anyhow::Result<ExitCode>>>(
    f: F,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

fn default_data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    // The same place Tauri's app_data_dir() resolves for our identifier.
    let base = dirs::data_dir().context("no OS data dir; pass --data-dir")?;
    Ok(base.join("cn.portdesk.desktop"))
}

/// The data dir given, else the app's default one.
pub(crate) fn resolve_data_dir(data_dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match data_dir {
        Some(d) => Ok(d),
        None => default_data_dir(),
    }
}

/// Opens the data dir the way the app does (`portdesk_workspace::Workspace`).
async fn open_workspace(data_dir: Option<PathBuf>) -> anyhow::Result<Workspace> {
    let dir = resolve_data_dir(data_dir)?;
    Workspace::open(&dir).await.map_err(anyhow::Error::msg)
}

/// [`open_workspace`] with secrets in `creds` (the CLI's `--credentials`).
async fn open_workspace_with(
    data_dir: Option<PathBuf>,
    creds: std::sync::Arc<dyn portdesk_sync::CredentialStore>,
) -> anyhow::Result<Workspace> {
    let dir = resolve_data_dir(data_dir)?;
    Workspace::open_with(&dir, Some(creds))
        .await
        .map_err(anyhow::Error::msg)
}

async fn open_drafts(data_dir: Option<PathBuf>) -> anyhow::Result<Drafts> {
    Ok(open_workspace(data_dir).await?.drafts)
}
