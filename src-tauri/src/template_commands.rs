//! Tauri commands of templates (报关单模板) and the defaults of a new
//! declaration (初始值). Each parses its arguments and calls `Drafts`
//! (crates/drafts/src/templates.rs); no rule lives here.

use portdesk_drafts::templates::{DefaultsView, TemplateDifferences, TemplateView};
use portdesk_drafts::DraftView;
use portdesk_store::{TemplateMeta, TemplateRevisionMeta};
use tauri::State;

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// 另存为模板: draft `id` saved as a new template named `name`.
#[tauri::command]
pub async fn template_save(
    state: State<'_, AppState>,
    id: String,
    name: String,
    note: String,
) -> CmdResult<TemplateMeta> {
    Ok(state
        .drafts
        .save_as_template(document_id(&id)?, &name, &note)
        .await?)
}

/// Template `template_id` takes what draft `id` holds now (a new revision).
#[tauri::command]
pub async fn template_update(
    state: State<'_, AppState>,
    template_id: String,
    id: String,
) -> CmdResult<TemplateMeta> {
    Ok(state
        .drafts
        .update_template(document_id(&template_id)?, document_id(&id)?)
        .await?)
}

#[tauri::command]
pub async fn template_list(state: State<'_, AppState>) -> CmdResult<Vec<TemplateMeta>> {
    Ok(state.drafts.list_templates().await?)
}

#[tauri::command]
pub async fn template_get(
    state: State<'_, AppState>,
    template_id: String,
) -> CmdResult<TemplateView> {
    Ok(state
        .drafts
        .get_template(document_id(&template_id)?)
        .await?)
}

#[tauri::command]
pub async fn template_rename(
    state: State<'_, AppState>,
    template_id: String,
    name: String,
    note: String,
) -> CmdResult<TemplateMeta> {
    Ok(state
        .drafts
        .rename_template(document_id(&template_id)?, &name, &note)
        .await?)
}

#[tauri::command]
pub async fn template_delete(
    state: State<'_, AppState>,
    template_id: String,
) -> CmdResult<TemplateMeta> {
    Ok(state
        .drafts
        .delete_template(document_id(&template_id)?)
        .await?)
}

#[tauri::command]
pub async fn template_history(
    state: State<'_, AppState>,
    template_id: String,
) -> CmdResult<Vec<TemplateRevisionMeta>> {
    Ok(state
        .drafts
        .template_history(document_id(&template_id)?)
        .await?)
}

#[tauri::command]
pub async fn template_restore(
    state: State<'_, AppState>,
    template_id: String,
    revision: i64,
) -> CmdResult<TemplateMeta> {
    Ok(state
        .drafts
        .restore_template(document_id(&template_id)?, revision)
        .await?)
}

/// 从模板新建: a new draft from template `template_id`, opened by the UI.
#[tauri::command]
pub async fn template_new_draft(
    state: State<'_, AppState>,
    template_id: String,
) -> CmdResult<DraftView> {
    Ok(state
        .drafts
        .new_from_template(document_id(&template_id)?)
        .await?)
}

/// 与模板的差异 of draft `id` (`null`: not made from a template).
#[tauri::command]
pub async fn template_differences(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Option<TemplateDifferences>> {
    Ok(state.drafts.template_differences(document_id(&id)?).await?)
}

/// The defaults dialog (初始值): the self-filing switch, the values, the fields.
#[tauri::command]
pub async fn defaults_get(state: State<'_, AppState>) -> CmdResult<DefaultsView> {
    Ok(state.drafts.defaults().await?)
}

#[tauri::command]
pub async fn defaults_set(
    state: State<'_, AppState>,
    path: String,
    value: String,
) -> CmdResult<DefaultsView> {
    Ok(state.drafts.set_default(&path, &value).await?)
}

#[tauri::command]
pub async fn defaults_clear(state: State<'_, AppState>, path: String) -> CmdResult<DefaultsView> {
    Ok(state.drafts.clear_default(&path).await?)
}

#[tauri::command]
pub async fn defaults_set_self_filing(
    state: State<'_, AppState>,
    on: bool,
) -> CmdResult<DefaultsView> {
    Ok(state.drafts.set_self_filing(on).await?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::command_tests::harness;

    #[test]
    fn save_as_template_new_from_it_and_its_differences_through_ipc() {
        let h = harness();
        let view = h
            .call("create_declaration", json!({"ieFlag": "E"}))
            .unwrap();
        let id = view["meta"]["id"].as_str().unwrap().to_owned();
        let mut declaration = view["declaration"].clone();
        declaration["head"]["trade_name"] = json!("大连北方钢材进出口有限公司");
        h.call(
            "save_declaration",
            json!({"id": id, "declaration": declaration, "note": "save"}),
        )
        .unwrap();

        let tpl = h
            .call(
                "template_save",
                json!({"id": id, "name": "月度出口", "note": "每月"}),
            )
            .unwrap();
        assert_eq!(tpl["name"], "月度出口");
        let template_id = tpl["id"].as_str().unwrap().to_owned();
        let taken = h
            .call(
                "template_save",
                json!({"id": id, "name": "月度出口", "note": ""}),
            )
            .unwrap_err();
        assert_eq!(taken["code"], "template_name_taken");
        let empty = h
            .call("template_save", json!({"id": id, "name": " ", "note": ""}))
            .unwrap_err();
        assert_eq!(
            (&empty["code"], &empty["field"]),
            (&json!("invalid_input"), &json!("name"))
        );
        let list = h.call("template_list", json!({})).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);

        let made = h
            .call("template_new_draft", json!({"templateId": template_id}))
            .unwrap();
        let made_id = made["meta"]["id"].as_str().unwrap().to_owned();
        assert_ne!(made["meta"]["client_seq_no"], view["meta"]["client_seq_no"]);
        assert_eq!(
            made["declaration"]["head"]["trade_name"],
            "大连北方钢材进出口有限公司"
        );
        let history = h.call("draft_history", json!({"id": made_id})).unwrap();
        assert_eq!(history[0]["note"], "from template 月度出口");

        let mut changed = made["declaration"].clone();
        changed["head"]["bill_no"] = json!("DLCN2026120001");
        h.call(
            "save_declaration",
            json!({"id": made_id, "declaration": changed, "note": "autosave"}),
        )
        .unwrap();
        let diff = h
            .call("template_differences", json!({"id": made_id}))
            .unwrap();
        assert_eq!(diff["template"]["name"], "月度出口");
        assert_eq!(diff["template_revision"], 1);
        let rows = diff["differences"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{diff}");
        assert_eq!(rows[0]["field"], "head.bill_no");
        assert_eq!(rows[0]["label_zh"], "提运单号");
        assert_eq!(rows[0]["kind"], "changed");
        assert_eq!(rows[0]["template"], "");
        assert_eq!(rows[0]["current"], "DLCN2026120001");
        // The template takes the draft: it then differs in nothing.
        let updated = h
            .call(
                "template_update",
                json!({"templateId": template_id, "id": made_id}),
            )
            .unwrap();
        assert_eq!(updated["revision"], 2);
        let diff = h
            .call("template_differences", json!({"id": made_id}))
            .unwrap();
        assert_eq!(
            (&diff["template_revision"], &diff["differences"]),
            (&json!(2), &json!([]))
        );
        // A draft not made from a template answers null.
        assert_eq!(
            h.call("template_differences", json!({"id": id})).unwrap(),
            json!(null)
        );

        let renamed = h
            .call(
                "template_rename",
                json!({"templateId": template_id, "name": "季度出口", "note": ""}),
            )
            .unwrap();
        assert_eq!(renamed["name"], "季度出口");
        assert_eq!(
            h.call("template_history", json!({"templateId": template_id}))
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
        h.call("template_delete", json!({"templateId": template_id}))
            .unwrap();
        assert_eq!(h.call("template_list", json!({})).unwrap(), json!([]));
        let bad = h
            .call("template_new_draft", json!({"templateId": "nope"}))
            .unwrap_err();
        assert_eq!(bad["code"], "invalid_input");
    }

    #[test]
    fn defaults_fill_a_new_declaration_through_ipc() {
        let h = harness();
        let view = h
            .call(
                "defaults_set",
                json!({"path": "head.declaring_customs", "value": "0900"}),
            )
            .unwrap();
        assert_eq!(
            view["values"],
            json!([{"path": "head.declaring_customs", "value": "0900"}])
        );
        assert!(view["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "lines.unit"));
        let refused = h
            .call(
                "defaults_set",
                json!({"path": "head.declaring_customs", "value": "09000"}),
            )
            .unwrap_err();
        assert_eq!(refused["field"], "head.declaring_customs");
        let view = h
            .call("defaults_set_self_filing", json!({"on": true}))
            .unwrap();
        assert_eq!(view["self_filing"], true);
        assert_eq!(view["enterprise"], json!(null));

        let made = h
            .call("create_declaration", json!({"ieFlag": "I"}))
            .unwrap();
        assert_eq!(made["declaration"]["head"]["declaring_customs"], "0900");
        let view = h
            .call("defaults_clear", json!({"path": "head.declaring_customs"}))
            .unwrap();
        assert_eq!(view["values"], json!([]));
        assert_eq!(
            h.call("defaults_get", json!({})).unwrap()["self_filing"],
            true
        );
    }
}
