//! What the page learns about how the app was started, and the marks it
//! leaves in the log as the clerk's first screens are painted.
//!
//! `--open ID|CLIENT_SEQ_NO` opens that draft instead of the drafts list
//! (a script or a file manager's "open with" can hand a clerk straight to
//! a declaration). The marks are how `benches/app-probe.sh` measures start-up
//! from outside: every build logs them, so the probe times what a clerk runs.
//! The interface font is learnt here too, while the webview starts, because
//! naming families the system lacks costs the page a font search each.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::ApiError;
use crate::AppState;

/// When `run()` began: the marks say how long after it they came.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// The system's CJK sans-serif family (界面字体), once asked (see `interface_font`).
static INTERFACE_FONT: OnceLock<Option<String>> = OnceLock::new();

/// Called first thing in `run()`: starts the clock for the marks and, on
/// Linux, asks fontconfig for the interface font while Tauri starts.
pub fn note_start() {
    STARTED.get_or_init(Instant::now);
    if cfg!(target_os = "linux") {
        std::thread::spawn(|| INTERFACE_FONT.get_or_init(ask_fontconfig));
    }
}

/// The family `fc-match` picks for Chinese sans-serif text, if it runs and
/// answers with a plain family name.
fn ask_fontconfig() -> Option<String> {
    let output = std::process::Command::new("fc-match")
        .args(["-f", "%{family[0]}", "sans-serif:lang=zh-cn"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    usable_family(&String::from_utf8_lossy(&output.stdout))
}

/// `answer` as a family name the page may put in CSS as is: short, and
/// letters, digits, spaces, `-` and `_` only (no quotes, commas or escapes).
fn usable_family(answer: &str) -> Option<String> {
    let family = answer.trim();
    let plain = family
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'));
    (plain && !family.is_empty() && family.chars().count() <= 64).then(|| family.to_owned())
}

/// The installed family for Chinese interface text on Linux, where WebKitGTK
/// spends ~50 ms on every named family it cannot find and more on glyph
/// fallback when the first family has no Chinese (docs/benchmarks.md);
/// `null` elsewhere (the page's own per-platform list is right there) or when
/// fontconfig does not answer.
#[tauri::command]
pub async fn interface_font() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    // Normally answered while the window was being made; waits otherwise.
    tauri::async_runtime::spawn_blocking(|| INTERFACE_FONT.get_or_init(ask_fontconfig).clone())
        .await
        .ok()
        .flatten()
}

/// The value of `--NAME VALUE` or `--NAME=VALUE` on the command line.
pub fn arg_value(name: &str) -> Option<String> {
    let flag = format!("--{name}");
    let with_eq = format!("--{name}=");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == flag {
            return args.next();
        }
        if let Some(value) = arg.strip_prefix(&with_eq) {
            return Some(value.to_owned());
        }
    }
    None
}

/// How this run was asked to start.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct LaunchRequest {
    /// The draft `--open` named, found by id or client sequence no.
    pub open_draft: Option<String>,
}

/// The draft `--open` names; an unknown one is an error the page shows
/// over the drafts list, naming the argument.
#[tauri::command]
pub async fn launch_request(state: State<'_, AppState>) -> Result<LaunchRequest, ApiError> {
    let Some(target) = arg_value("open") else {
        return Ok(LaunchRequest::default());
    };
    match state.drafts.find_draft(&target).await? {
        Some(id) => Ok(LaunchRequest {
            open_draft: Some(id.to_string()),
        }),
        None => Err(ApiError::invalid(
            "--open",
            format!(
                "没有编号为 {target} 的草稿 / no draft with id or client sequence number {target}"
            ),
        )),
    }
}

/// A screen the page reports once it is painted, the first time in a run.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UiMark {
    /// The first page of the drafts list (草稿列表) is on screen.
    FirstDraftsPage,
    /// An opened declaration's editor is on screen with its content.
    DeclarationOpened,
}

impl UiMark {
    /// The name the page sends, which the log repeats.
    fn name(self) -> &'static str {
        match self {
            UiMark::FirstDraftsPage => "first_drafts_page",
            UiMark::DeclarationOpened => "declaration_opened",
        }
    }
}

/// Where the page's time went before a mark, from the page's own clock
/// (`performance`): together with the process start the probe knows, it
/// splits start-up into the native part (process, Tauri, webview) and the
/// page's (loading the script, running it, first data, paint).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PageTiming {
    /// `performance.timeOrigin`: when the page began loading, ms since the epoch.
    pub origin_epoch_ms: f64,
    /// When the app's script began running, ms after `origin_epoch_ms`.
    pub script_ms: f64,
    /// When the mark was sent, ms after `origin_epoch_ms`.
    pub mark_ms: f64,
    /// Named moments before the mark (the page's trace, `ui/src/lib/trace.ts`).
    #[serde(default)]
    pub steps: Vec<PageStep>,
}

/// One moment of the page's start-up: `name` happened `ms` after `origin_epoch_ms`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PageStep {
    pub name: String,
    pub ms: f64,
}

/// Most steps and longest name the log takes from the page: the page is
/// ours, but a log line should stay a line whatever it is sent.
const MAX_STEPS: usize = 80;
const MAX_STEP_NAME: usize = 48;

/// The steps as one log field, `name@ms name@ms …`, with names cut to
/// plain characters so the field stays parseable.
fn steps_field(steps: &[PageStep]) -> String {
    let step = |s: &PageStep| {
        let name: String = s
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'))
            .take(MAX_STEP_NAME)
            .collect();
        format!("{name}@{}", s.ms.max(0.0).round() as u64)
    };
    steps
        .iter()
        .take(MAX_STEPS)
        .map(step)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Logs `mark` with the wall clock (for a probe timing from the process's
/// start outside), the time since `run()` began and the page's timing.
#[tauri::command]
pub fn ui_mark(mark: UiMark, page: PageTiming) {
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let since_start_ms = STARTED.get().map(|s| s.elapsed().as_millis());
    tracing::info!(
        target: "portdesk::ui_mark",
        mark = mark.name(),
        epoch_ms = epoch_ms as u64,
        since_start_ms = since_start_ms.unwrap_or_default() as u64,
        page_origin_epoch_ms = page.origin_epoch_ms as u64,
        page_script_ms = page.script_ms as u64,
        page_mark_ms = page.mark_ms as u64,
        page_steps = %steps_field(&page.steps),
        "ui mark"
    );
}

#[cfg(test)]
mod tests {
    use super::{steps_field, usable_family, PageStep, MAX_STEPS};

    fn step(name: &str, ms: f64) -> PageStep {
        PageStep {
            name: name.to_owned(),
            ms,
        }
    }

    #[test]
    fn the_steps_are_one_field_of_plain_names_and_whole_milliseconds() {
        let steps = [
            step("script", 101.4),
            step("call:list_drafts", 140.6),
            step("bad name\n=x", -3.0),
        ];
        assert_eq!(
            steps_field(&steps),
            "script@101 call:list_drafts@141 badnamex@0"
        );
    }

    #[test]
    fn the_steps_field_is_bounded_whatever_the_page_sends() {
        let many: Vec<PageStep> = (0..500).map(|i| step(&"n".repeat(500), i as f64)).collect();
        let field = steps_field(&many);
        assert_eq!(field.split(' ').count(), MAX_STEPS);
        assert!(field
            .split(' ')
            .all(|s| s.starts_with(&"n".repeat(48)) && !s.starts_with(&"n".repeat(49))));
    }

    #[test]
    fn a_plain_family_name_is_used_trimmed() {
        assert_eq!(
            usable_family(" WenQuanYi Zen Hei\n").as_deref(),
            Some("WenQuanYi Zen Hei")
        );
        assert_eq!(
            usable_family("Noto Sans CJK SC").as_deref(),
            Some("Noto Sans CJK SC")
        );
    }

    #[test]
    fn a_name_css_would_read_as_more_than_a_name_is_refused() {
        for answer in ["", "  ", "A', serif", "A\"B", "a;b", "x{}", &"n".repeat(65)] {
            assert_eq!(usable_family(answer), None, "{answer:?}");
        }
    }
}
