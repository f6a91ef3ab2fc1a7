//! Declaration templates (报关单模板) and the defaults of a new declaration
//! (初始值), for the shell and the CLI alike (docs/templates.md).
//!
//! - A template is a declaration saved under a name: what `Declaration::copied`
//!   clears on a copy is cleared (the old filing's export date, attachments,
//!   message blocks, advance flag), goods lines and containers are kept, and
//!   its client sequence no. is empty (a template is never filed). Templates
//!   are revisioned by the store's one engine.
//! - A new declaration from a template gets a new client sequence no., its
//!   first revision is noted `from template <name>`, and the store remembers
//!   the template revision it came from, for [`Drafts::template_differences`].
//! - Defaults: [`portdesk_domain::defaults::apply_defaults`] with the clerk's
//!   values and the synced enterprise profile; see [`Drafts::prefill`].

use portdesk_domain::defaults::{
    apply_defaults, check_default, defaultable_fields, DefaultableField, EnterpriseIdentity,
    FieldDefault,
};
use portdesk_domain::limits::{TEMPLATE_NAME_MAX_CHARS, TEMPLATE_NOTE_MAX_CHARS};
use portdesk_domain::validate::{field_key, field_label};
use portdesk_domain::{client_seq_no_for, Declaration, IeFlag};
use portdesk_store::{TemplateMeta, TemplateRevisionMeta, TemplateSource};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::flows::declaration_changes;
use crate::{DraftError, DraftView, Drafts};

/// How the first revision of a draft made from a template is noted,
/// followed by the template's name; the UI translates it.
pub const FROM_TEMPLATE: &str = "from template ";

/// The settings key of "本企业自理申报 / the enterprise files for itself".
pub const SELF_FILING_KEY: &str = "defaults.self_filing";

/// A template opened: its metadata and the declaration it holds.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TemplateView {
    pub meta: TemplateMeta,
    pub declaration: Declaration,
}

/// How a field differs from the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// The field's value changed (or was filled, or emptied).
    Changed,
    /// A whole row (goods line, container, document) the template has not.
    Added,
    /// A whole row of the template the draft no longer has.
    Removed,
}

/// One field (or row) whose value differs from the template (与模板的差异).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateDifference {
    /// `head.trade_name`, `lines[1].quantity`; a whole row: `lines[3]`.
    pub field: String,
    pub label_zh: String,
    pub label_en: String,
    pub kind: DifferenceKind,
    /// `None` when the template has no value there.
    pub template: Option<String>,
    pub current: Option<String>,
}

/// The differences of a draft from the template it was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateDifferences {
    pub template: TemplateMeta,
    /// The template revision the draft was made from (compared with).
    pub template_revision: i64,
    pub differences: Vec<TemplateDifference>,
}

/// The defaults of a new declaration (初始值), as the settings dialog shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DefaultsView {
    /// 本企业自理申报: the enterprise is also the consignee/consignor and
    /// consuming/producing unit of its declarations.
    pub self_filing: bool,
    /// The clerk's values, by path.
    pub values: Vec<FieldDefault>,
    /// Every field that may have one, with its label and limit.
    pub fields: Vec<DefaultableField>,
    /// The logged-in enterprise (synced profile), if any was synced.
    pub enterprise: Option<EnterpriseIdentity>,
}

/// A template name or note that cannot be stored, naming the field.
fn invalid(field: &str, en: String, zh: String) -> DraftError {
    DraftError::Invalid {
        field: field.to_owned(),
        message: format!("{en} ({zh})"),
    }
}

/// The name as stored: trimmed, not empty, at most 64 characters, no control characters.
fn checked_name(name: &str) -> Result<String, DraftError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid(
            "name",
            "the template name is empty".into(),
            "模板名称不能为空".into(),
        ));
    }
    let n = name.chars().count();
    if n > TEMPLATE_NAME_MAX_CHARS {
        return Err(invalid(
            "name",
            format!("the template name has {n} characters, at most {TEMPLATE_NAME_MAX_CHARS}"),
            format!("模板名称 {n} 个字符，最多 {TEMPLATE_NAME_MAX_CHARS} 个"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "the template name has control characters".into(),
            "模板名称含有控制字符".into(),
        ));
    }
    Ok(name.to_owned())
}

fn checked_note(note: &str) -> Result<String, DraftError> {
    let note = note.trim();
    let n = note.chars().count();
    if n > TEMPLATE_NOTE_MAX_CHARS {
        return Err(invalid(
            "note",
            format!("the template note has {n} characters, at most {TEMPLATE_NOTE_MAX_CHARS}"),
            format!("模板备注 {n} 个字符，最多 {TEMPLATE_NOTE_MAX_CHARS} 个"),
        ));
    }
    Ok(note.to_owned())
}

/// What a template keeps of a declaration: a copy's content (see
/// `Declaration::copied`), goods and containers included, and no client
/// sequence no.
pub fn template_body(declaration: &Declaration) -> Declaration {
    declaration.copied(String::new())
}

impl Drafts {
    /// Saves draft `draft_id` as a new template named `name` (另存为模板).
    /// The draft is only read.
    pub async fn save_as_template(
        &self,
        draft_id: Uuid,
        name: &str,
        note: &str,
    ) -> Result<TemplateMeta, DraftError> {
        let name = checked_name(name)?;
        let note = checked_note(note)?;
        let (meta, declaration) = self.store.get_declaration(draft_id).await?;
        let body = template_body(&declaration);
        Ok(self
            .store
            .create_template(
                Uuid::now_v7(),
                &name,
                &note,
                &body,
                &format!("from draft {}", meta.client_seq_no),
            )
            .await?)
    }

    /// Replaces what template `template_id` holds with draft `draft_id` (a
    /// new revision of the template; unchanged: nothing written). A draft
    /// made from this template then compares with the new revision.
    pub async fn update_template(
        &self,
        template_id: Uuid,
        draft_id: Uuid,
    ) -> Result<TemplateMeta, DraftError> {
        let (meta, declaration) = self.store.get_declaration(draft_id).await?;
        Ok(self
            .store
            .save_template(
                template_id,
                &template_body(&declaration),
                &format!("update from {}", meta.client_seq_no),
                Some(draft_id),
            )
            .await?)
    }

    /// Every live template, by name.
    pub async fn list_templates(&self) -> Result<Vec<TemplateMeta>, DraftError> {
        Ok(self.store.list_templates().await?)
    }

    pub async fn get_template(&self, id: Uuid) -> Result<TemplateView, DraftError> {
        let (meta, declaration) = self.store.get_template(id).await?;
        Ok(TemplateView { meta, declaration })
    }

    /// The live template named exactly `name`.
    pub async fn find_template(&self, name: &str) -> Result<Option<Uuid>, DraftError> {
        Ok(self.store.find_template_by_name(name.trim()).await?)
    }

    pub async fn rename_template(
        &self,
        id: Uuid,
        name: &str,
        note: &str,
    ) -> Result<TemplateMeta, DraftError> {
        let name = checked_name(name)?;
        let note = checked_note(note)?;
        Ok(self.store.rename_template(id, &name, &note).await?)
    }

    /// Deletes template `id` (it goes to the trash: drafts made from it can
    /// still be compared with it, and its name is free again).
    pub async fn delete_template(&self, id: Uuid) -> Result<TemplateMeta, DraftError> {
        Ok(self.store.trash_template(id).await?)
    }

    pub async fn template_history(
        &self,
        id: Uuid,
    ) -> Result<Vec<TemplateRevisionMeta>, DraftError> {
        Ok(self.store.template_history(id).await?)
    }

    pub async fn restore_template(
        &self,
        id: Uuid,
        revision: i64,
    ) -> Result<TemplateMeta, DraftError> {
        Ok(self.store.restore_template(id, revision).await?)
    }

    /// A new draft from template `template_id` (从模板新建): a new id and
    /// client sequence no., the template's declaration with the enterprise
    /// filling only what the template leaves empty (the clerk's defaults do
    /// not apply: the template is the clerk's choice), noted `from template
    /// <name>`, remembering the template revision. A deleted template is
    /// refused (`trashed`).
    pub async fn new_from_template(&self, template_id: Uuid) -> Result<DraftView, DraftError> {
        let (meta, template) = self.store.get_template(template_id).await?;
        if meta.trashed_at.is_some() {
            return Err(portdesk_store::StoreError::Trashed { id: template_id }.into());
        }
        let id = Uuid::now_v7();
        let mut declaration = template.copied(client_seq_no_for(id));
        self.prefill(&mut declaration, false).await?;
        let problems = self.validate(&declaration, portdesk_domain::Purpose::Declare);
        let info = portdesk_domain::SaveInfo::from_problems(
            &problems,
            format!("{FROM_TEMPLATE}{}", meta.name),
        );
        let draft = self
            .store
            .create_declaration_from_template(
                id,
                &declaration,
                &info,
                TemplateSource {
                    template_id,
                    revision: meta.revision,
                },
            )
            .await?;
        Ok(DraftView {
            meta: draft,
            declaration,
            problems,
        })
    }

    /// The fields of draft `draft_id` whose value differs from the template
    /// revision it was made from (与模板的差异); `None` when it was not made
    /// from a template. Rows (goods lines, containers, documents) the draft
    /// added or removed are one entry each; the client sequence no. is not
    /// compared (a template has none).
    pub async fn template_differences(
        &self,
        draft_id: Uuid,
    ) -> Result<Option<TemplateDifferences>, DraftError> {
        let Some(source) = self.store.draft_template(draft_id).await? else {
            return Ok(None);
        };
        let (_, current) = self.store.get_declaration(draft_id).await?;
        let (template, _) = self.store.get_template(source.template_id).await?;
        let body = self
            .store
            .template_revision(source.template_id, source.revision)
            .await?;
        Ok(Some(TemplateDifferences {
            template,
            template_revision: source.revision,
            differences: template_differences(&body, &current),
        }))
    }

    /// Fills the empty fields of a new declaration (初始值): the clerk's
    /// defaults when `clerk`, then the synced enterprise as declaring agent,
    /// and as consignee/consignor and consuming/producing unit when the
    /// clerk's self-filing setting is on.
    pub async fn prefill(
        &self,
        declaration: &mut Declaration,
        clerk: bool,
    ) -> Result<(), DraftError> {
        let defaults = if clerk {
            self.field_defaults().await?
        } else {
            Vec::new()
        };
        let enterprise = self.enterprise_identity().await?;
        let self_filing = self.self_filing().await?;
        apply_defaults(
            declaration,
            &defaults,
            clerk,
            enterprise.as_ref(),
            self_filing,
        );
        Ok(())
    }

    /// An empty declaration with the defaults applied, for `Drafts::create`.
    pub(crate) async fn new_declaration(
        &self,
        id: Uuid,
        ie_flag: IeFlag,
    ) -> Result<Declaration, DraftError> {
        let mut declaration = Declaration::new(client_seq_no_for(id), ie_flag);
        self.prefill(&mut declaration, true).await?;
        Ok(declaration)
    }

    /// The defaults as the settings dialog shows them.
    pub async fn defaults(&self) -> Result<DefaultsView, DraftError> {
        Ok(DefaultsView {
            self_filing: self.self_filing().await?,
            values: self.field_defaults().await?,
            fields: defaultable_fields(),
            enterprise: self.enterprise_identity().await?,
        })
    }

    /// Sets the default value of field `path` (`head.trade_mode`, `lines.unit`),
    /// refused naming the field when it is not a defaultable field or the
    /// value does not fit it.
    pub async fn set_default(&self, path: &str, value: &str) -> Result<DefaultsView, DraftError> {
        let path = path.trim();
        check_default(path, value).map_err(|e| DraftError::Invalid {
            field: e.field,
            message: format!("{} ({})", e.message, e.message_zh),
        })?;
        self.store.set_field_default(path, Some(value)).await?;
        self.defaults().await
    }

    /// Clears the default of field `path` (clearing one never set is fine).
    pub async fn clear_default(&self, path: &str) -> Result<DefaultsView, DraftError> {
        self.store.set_field_default(path.trim(), None).await?;
        self.defaults().await
    }

    /// Turns "the enterprise files for itself" on or off.
    pub async fn set_self_filing(&self, on: bool) -> Result<DefaultsView, DraftError> {
        self.store
            .set_sync_value(SELF_FILING_KEY, on.then_some("1"))
            .await?;
        self.defaults().await
    }

    async fn field_defaults(&self) -> Result<Vec<FieldDefault>, DraftError> {
        Ok(self
            .store
            .field_defaults()
            .await?
            .into_iter()
            .map(|(path, value)| FieldDefault { path, value })
            .collect())
    }

    async fn self_filing(&self) -> Result<bool, DraftError> {
        Ok(self.store.sync_value(SELF_FILING_KEY).await?.as_deref() == Some("1"))
    }

    async fn enterprise_identity(&self) -> Result<Option<EnterpriseIdentity>, DraftError> {
        Ok(self.cached_enterprise().await?.map(|e| EnterpriseIdentity {
            scc: e.scc,
            customs_code: e.customs_code,
            name: e.name_zh,
        }))
    }
}

/// The differences of `current` from `template`, labelled; rows one side
/// lacks are one entry each (see [`Drafts::template_differences`]).
pub fn template_differences(
    template: &Declaration,
    current: &Declaration,
) -> Vec<TemplateDifference> {
    let rows = |d: &Declaration| -> [(&'static str, usize); 4] {
        [
            ("lines", d.lines.len()),
            ("containers", d.containers.len()),
            ("documents", d.documents.len()),
            ("edocs", d.edocs.len()),
        ]
    };
    let (left_rows, right_rows) = (rows(template), rows(current));
    let row_count = |table: &[(&str, usize)], name: &str| {
        table
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c)
    };
    // A row one side lacks: its entry's index in `out` and how many of its
    // filled values the entry shows (the first two: code and name of a line).
    let mut rows_seen: Vec<(String, usize, usize)> = Vec::new();
    let mut out: Vec<TemplateDifference> = Vec::new();
    for change in declaration_changes(template, current) {
        if change.path.first().map(String::as_str) == Some("client_seq_no") {
            continue;
        }
        let row = match change.path.as_slice() {
            [table, index, ..] => index
                .parse::<usize>()
                .ok()
                .filter(|&i| {
                    i >= row_count(&left_rows, table) || i >= row_count(&right_rows, table)
                })
                .map(|i| (table.clone(), i)),
            _ => None,
        };
        let Some((table, i)) = row else {
            let field = label_path(&change.path);
            let (label_zh, label_en) = field_label(&field);
            out.push(TemplateDifference {
                field,
                label_zh,
                label_en,
                kind: DifferenceKind::Changed,
                template: change.left,
                current: change.right,
            });
            continue;
        };
        let field = format!("{table}[{i}]");
        let added = i >= row_count(&left_rows, &table);
        let value = if added { change.right } else { change.left }.filter(|v| !v.is_empty());
        let at = match rows_seen.iter().position(|(f, _, _)| *f == field) {
            Some(at) => at,
            None => {
                let (label_zh, label_en) = row_label(&table, i);
                out.push(TemplateDifference {
                    field: field.clone(),
                    label_zh,
                    label_en,
                    kind: if added {
                        DifferenceKind::Added
                    } else {
                        DifferenceKind::Removed
                    },
                    template: (!added).then(String::new),
                    current: added.then(String::new),
                });
                rows_seen.push((field, out.len() - 1, 0));
                rows_seen.len() - 1
            }
        };
        let (_, index, shown) = &mut rows_seen[at];
        if let Some(value) = value.filter(|_| *shown < 2) {
            let entry = &mut out[*index];
            let summary = if added {
                entry.current.get_or_insert_with(String::new)
            } else {
                entry.template.get_or_insert_with(String::new)
            };
            if !summary.is_empty() {
                summary.push(' ');
            }
            summary.push_str(&value);
            *shown += 1;
        }
    }
    // In the form's order (the diff walks JSON keys alphabetically).
    out.sort_by_cached_key(|d| field_key(&d.field));
    out
}

/// `["lines", "0", "unit"]` → `lines[0].unit`, the form validation and
/// labels use.
fn label_path(path: &[String]) -> String {
    let mut out = String::new();
    for seg in path {
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn row_label(table: &str, i: usize) -> (String, String) {
    let n = i + 1;
    match table {
        "lines" => (format!("第{n}项商品"), format!("goods line {n}")),
        "containers" => (format!("第{n}个集装箱"), format!("container {n}")),
        "documents" => (format!("第{n}条随附单证"), format!("attached document {n}")),
        _ => (
            format!("第{n}条随附单据"),
            format!("electronic attachment {n}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::GoodsLine;

    fn line(code: &str, name: &str) -> GoodsLine {
        GoodsLine {
            commodity_code: code.into(),
            name: name.into(),
            quantity: "10".into(),
            ..GoodsLine::default()
        }
    }

    #[test]
    fn differences_list_changed_fields_and_whole_rows() {
        let mut template = Declaration::new(String::new(), IeFlag::E);
        template.head.trade_name = "大连示例".into();
        template.head.freight.currency = "USD".into();
        template.lines = vec![
            line("6109100021", "棉制T恤"),
            line("6203420090", "棉制长裤"),
        ];
        let mut current = template.copied("PD0000000000000001".into());
        assert!(
            template_differences(&template, &current).is_empty(),
            "only the seq no. differs"
        );

        current.head.trade_name = "大连另一家".into();
        current.head.freight.currency.clear();
        current.lines[0].quantity = "12".into();
        current.lines.push(line("6110200090", "棉制针织衫"));
        let d = template_differences(&template, &current);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "head.trade_name",
                "head.freight.currency",
                "lines[0].quantity",
                "lines[2]"
            ],
            "{d:#?}"
        );
        assert_eq!(d[0].label_zh, "境内收发货人名称");
        assert_eq!(d[0].template.as_deref(), Some("大连示例"));
        assert_eq!(d[0].current.as_deref(), Some("大连另一家"));
        assert_eq!(d[1].current.as_deref(), Some(""));
        assert_eq!(d[2].label_en, "line 1 quantity traded");
        assert_eq!(d[3].kind, DifferenceKind::Added);
        assert_eq!(d[3].label_zh, "第3项商品");
        assert_eq!(d[3].current.as_deref(), Some("6110200090 棉制针织衫"));
        assert_eq!(d[3].template, None);

        current.lines.truncate(1);
        let d = template_differences(&template, &current);
        let removed = d
            .iter()
            .find(|d| d.field == "lines[1]")
            .expect("line 2 removed");
        assert_eq!(removed.kind, DifferenceKind::Removed);
        assert_eq!(removed.template.as_deref(), Some("6203420090 棉制长裤"));
        assert_eq!(
            d.iter().filter(|d| d.field.starts_with("lines[1]")).count(),
            1
        );
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(checked_name("  月度出口  ").unwrap(), "月度出口");
        assert_eq!(checked_name(" ").unwrap_err().field(), Some("name"));
        assert!(checked_name(&"名".repeat(TEMPLATE_NAME_MAX_CHARS + 1)).is_err());
        assert!(checked_name("a\nb").is_err());
        assert!(checked_note(&"x".repeat(TEMPLATE_NOTE_MAX_CHARS + 1)).is_err());
    }
}
