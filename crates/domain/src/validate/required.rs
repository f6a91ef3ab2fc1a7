//! `DEC-REQ`: required fields (必填项). Which fields are required depends on
//! the purpose and the filing mode:
//! - draft (暂存): the D column: declaring customs, declaring agent (credit
//!   code, customs code, name), trading country, price declarations, and
//!   each line's commodity code;
//! - declare (申报), one-step or two-step complete: the S column;
//! - declare, two-step summary (概要申报): the summary field set only.

use super::head_fields::{self, HeadField};
use super::labels::field_label;
use super::{filled, rule, Ctx};
use crate::declaration::{Head, IeFlag};
use crate::problem::Problem;

fn require(out: &mut Vec<Problem>, field: &str, value: &str) {
    if !filled(value) {
        let (zh, en) = field_label(field);
        out.push(Problem::error(
            rule::REQ,
            field,
            format!("请填写{zh}"),
            format!("{en} is required"),
        ));
    }
}

/// Requires every head text field that `needed` says is required.
fn require_head(out: &mut Vec<Problem>, h: &Head, needed: fn(&HeadField) -> bool) {
    for (field, text) in head_fields::texts(h) {
        if needed(field) {
            require(out, &format!("head.{}", field.name), text);
        }
    }
}

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Problem>) {
    let d = ctx.d;
    let h = &d.head;
    if !ctx.declare() {
        require_head(out, h, HeadField::in_draft);
        for (i, l) in d.lines.iter().enumerate() {
            require(
                out,
                &format!("lines[{i}].commodity_code"),
                &l.commodity_code,
            );
        }
        return;
    }

    require(out, "client_seq_no", &d.client_seq_no);
    if d.lines.is_empty() {
        out.push(Problem::error(
            rule::REQ,
            "lines",
            "至少填写一项商品",
            "At least one goods line is required",
        ));
    }

    if ctx.summary() {
        require_head(out, h, HeadField::in_summary);
        for (i, l) in d.lines.iter().enumerate() {
            for (f, v) in [
                ("commodity_code", &l.commodity_code),
                ("name", &l.name),
                ("quantity", &l.quantity),
                ("unit", &l.unit),
                ("total_price", &l.total_price),
                ("currency", &l.currency),
                ("origin_country", &l.origin_country),
            ] {
                require(out, &format!("lines[{i}].{f}"), v);
            }
        }
        for (i, c) in d.containers.iter().enumerate() {
            require(out, &format!("containers[{i}].number"), &c.number);
        }
        documents(ctx, out);
        return;
    }

    require_head(out, h, HeadField::in_full);
    // The consuming/producing unit is identified by its credit code, or else
    // its customs code (`NO` when it has neither); the name is always needed.
    if !filled(&h.owner_scc) && !filled(&h.owner_code) {
        require(out, "head.owner_scc", &h.owner_scc);
    }
    if h.ie_flag == IeFlag::I {
        require(out, "head.goods_place", &h.goods_place);
    }

    for (i, l) in d.lines.iter().enumerate() {
        for (f, v) in [
            ("commodity_code", &l.commodity_code),
            ("name", &l.name),
            ("quantity", &l.quantity),
            ("unit", &l.unit),
            ("first_quantity", &l.first_quantity),
            ("first_unit", &l.first_unit),
        ] {
            require(out, &format!("lines[{i}].{f}"), v);
        }
        // The second legal quantity exists only where the tariff line has
        // one; the client cannot know, but half a pair is always wrong.
        if filled(&l.second_quantity) || filled(&l.second_unit) {
            require(
                out,
                &format!("lines[{i}].second_quantity"),
                &l.second_quantity,
            );
            require(out, &format!("lines[{i}].second_unit"), &l.second_unit);
        }
        for (f, v) in [
            ("unit_price", &l.unit_price),
            ("total_price", &l.total_price),
            ("currency", &l.currency),
            ("origin_country", &l.origin_country),
            ("destination_country", &l.destination_country),
            ("district_code", &l.district_code),
            ("duty_mode", &l.duty_mode),
        ] {
            require(out, &format!("lines[{i}].{f}"), v);
        }
    }
    for (i, c) in d.containers.iter().enumerate() {
        require(out, &format!("containers[{i}].number"), &c.number);
        require(out, &format!("containers[{i}].size_type"), &c.size_type);
        require(out, &format!("containers[{i}].line_refs"), &c.line_refs);
    }
    documents(ctx, out);
}

/// A document or edoc row that exists must be complete.
fn documents(ctx: &Ctx, out: &mut Vec<Problem>) {
    for (i, doc) in ctx.d.documents.iter().enumerate() {
        require(out, &format!("documents[{i}].code"), &doc.code);
        require(out, &format!("documents[{i}].cert_no"), &doc.cert_no);
    }
    for (i, e) in ctx.d.edocs.iter().enumerate() {
        require(out, &format!("edocs[{i}].code"), &e.code);
    }
}
