//! The printed declaration (报关单草单/核对单): a PDF of a customs goods
//! declaration laid out as the customs form (中华人民共和国海关进/出口货物报关单)
//! is, A4 portrait, in two kinds — the draft (草单, watermarked 草单 / DRAFT
//! until the declaration is released) and the check sheet (核对单) the
//! consignor signs off.
//!
//! Page 1: title, pre-entry and customs numbers, the head boxes, the first
//! containers, the first goods lines and the sign-off block. Goods and
//! containers beyond page 1 go on continuation pages (续页) by one fixed rule
//! ([`page_count`], written out in docs/printed-declaration.md): every goods
//! line has a slot of the same height, so the page count depends on the
//! counts alone, never on how long a text is.
//!
//! The same machinery as certificates: layout measures and checks every
//! character (bundled font, then the caller's [`FallbackFont`]; a character
//! no font has is [`PrintError::MissingGlyph`] naming the field, e.g.
//! `lines[3].name`), `draw` hands the pages to krilla (PDF/A-2b).

use chrono::{DateTime, NaiveDate, Utc};
use portdesk_domain::declaration::{Declaration, GoodsLine, IeFlag};
use portdesk_domain::CodeLists;

use crate::draw::{self, Assets, DocInfo};
use crate::font::{FallbackFont, FontSet};
use crate::layout::{
    fit, label, para, text_lines, Op, Page, Para, LINE, MARGIN, PAD, PAGE_H, PAGE_W, TABLE_SIZE,
    VALUE_SIZE,
};
use crate::PrintError;

/// The watermark of a draft sheet not yet released: "draft, not released".
pub const WATERMARK: &str = "未放行草单 DRAFT";

/// Goods lines on page 1 (第一页商品项数).
pub const FIRST_PAGE_LINES: usize = 5;
/// Goods lines on each goods continuation page (商品续页).
pub const GOODS_PAGE_LINES: usize = 8;
/// Containers in page 1's container box.
pub const FIRST_PAGE_CONTAINERS: usize = 4;
/// Containers on each container continuation page (集装箱续页).
pub const CONTAINER_PAGE_CONTAINERS: usize = 30;

/// How many pages the printed declaration of `lines` goods lines and
/// `containers` containers has: page 1, then goods continuation pages,
/// then container continuation pages.
pub fn page_count(lines: usize, containers: usize) -> usize {
    1 + lines
        .saturating_sub(FIRST_PAGE_LINES)
        .div_ceil(GOODS_PAGE_LINES)
        + containers
            .saturating_sub(FIRST_PAGE_CONTAINERS)
            .div_ceil(CONTAINER_PAGE_CONTAINERS)
}

/// Which sheet to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetKind {
    /// 草单: the declaration as filed or to be filed; watermarked until released.
    Draft,
    /// 核对单: the check sheet for the consignor, with a sign-off block.
    Check,
}

impl SheetKind {
    /// `("草单", "DRAFT")`, `("核对单", "CHECK SHEET")`.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            SheetKind::Draft => ("草单", "DRAFT"),
            SheetKind::Check => ("核对单", "CHECK SHEET"),
        }
    }
}

/// One declaration to print.
#[derive(Debug, Clone)]
pub struct DeclarationJob {
    pub declaration: Declaration,
    pub kind: SheetKind,
    /// Released (已放行) or closed: the draft sheet carries no watermark.
    /// The caller decides from the declaration's status and receipts.
    pub released: bool,
    /// The customs number (海关编号) a receipt assigned, if any.
    pub entry_id: Option<String>,
    /// The declaration date (申报日期), once filed.
    pub declared_on: Option<NaiveDate>,
    /// A system CJK font for characters the bundled subset lacks.
    pub fallback_font: Option<FallbackFont>,
    /// Creation time in the PDF's metadata; `None` means now.
    pub printed_at: Option<DateTime<Utc>>,
}

/// Renders the printed declaration to a PDF/A-2b document; code values
/// are printed with their labels from `lists`.
pub fn render_declaration(job: &DeclarationJob, lists: &CodeLists) -> Result<Vec<u8>, PrintError> {
    let fonts = FontSet::with_fallback(job.fallback_font.as_ref())?;
    let pages = layout(job, lists, &fonts)?;
    let (zh, en) = job.kind.names();
    let info = DocInfo {
        title: format!(
            "报关单{zh} Customs declaration {en} {}",
            job.declaration.client_seq_no
        ),
        language: "zh-CN",
        printed_at: job.printed_at,
    };
    draw::draw(
        &info,
        &fonts,
        job.fallback_font.as_ref(),
        &Assets::default(),
        &pages,
    )
}

const X0: f32 = MARGIN;
const X1: f32 = PAGE_W - MARGIN;
const W: f32 = X1 - X0;
const TOP: f32 = MARGIN;
/// Lowest y of the boxes; the footer goes below.
const BOTTOM: f32 = PAGE_H - 36.0;
/// Where the head boxes (page 1) or the table (continuation pages) start.
const BODY_TOP: f32 = TOP + 42.0;
const HEAD_ROW_H: f32 = 28.0;
const MARKS_ROW_H: f32 = 38.0;
const CONTAINER_ROW_H: f32 = 26.0;
const COL_HEAD_H: f32 = 28.0;
const FOOT_H: f32 = 70.0;
const CONTAINER_LINE_H: f32 = 22.0;
/// Box titles: smaller than the certificate's, the form has many boxes.
const BOX_TITLE_SIZE: f32 = 5.5;

/// What goes in one column of the goods table.
#[derive(Clone, Copy)]
enum Col {
    ItemNo,
    Code,
    Name,
    Quantity,
    Price,
    Origin,
    Destination,
    District,
    Duty,
}

/// Column, Chinese and English head, width (the widths add up to [`W`]).
fn goods_columns(ie: IeFlag) -> [(Col, &'static str, &'static str, f32); 9] {
    let district = match ie {
        IeFlag::E => ("境内货源地", "Domestic source"),
        IeFlag::I => ("境内目的地", "Domestic destination"),
    };
    [
        (Col::ItemNo, "项号", "No.", 18.0),
        (Col::Code, "商品编号", "HS code", 53.0),
        (
            Col::Name,
            "商品名称及规格型号",
            "Description and model",
            171.0,
        ),
        (Col::Quantity, "数量及单位", "Quantities", 70.0),
        (Col::Price, "单价/总价/币制", "Price, total, currency", 64.0),
        (Col::Origin, "原产国（地区）", "Origin", 42.0),
        (Col::Destination, "最终目的国（地区）", "Final dest.", 42.0),
        (Col::District, district.0, district.1, 42.0),
        (Col::Duty, "征免", "Levy", 36.58),
    ]
}

const CONTAINER_COLUMNS: [(&str, &str, f32); 6] = [
    ("序号", "No.", 30.0),
    ("集装箱号", "Container no.", 120.0),
    ("规格", "Size/type", 80.0),
    ("自重（千克）", "Tare (kg)", 90.0),
    ("拼箱标识", "Part load", 80.0),
    ("商品项号关系", "Goods items", 138.58),
];

/// One head box: titles, relative width, contents.
struct Cell {
    zh: &'static str,
    en: &'static str,
    weight: f32,
    paras: Vec<Para>,
}

fn cell(zh: &'static str, en: &'static str, weight: f32, paras: Vec<Para>) -> Cell {
    Cell {
        zh,
        en,
        weight,
        paras,
    }
}

struct Ctx<'a> {
    m: &'a FontSet<'a>,
    d: &'a Declaration,
    lists: &'a CodeLists,
    job: &'a DeclarationJob,
}

fn layout(
    job: &DeclarationJob,
    lists: &CodeLists,
    fonts: &FontSet<'_>,
) -> Result<Vec<Page>, PrintError> {
    let d = &job.declaration;
    let ctx = Ctx {
        m: fonts,
        d,
        lists,
        job,
    };
    let mut pages = Vec::new();

    // Page 1.
    let mut first = Page::default();
    ctx.title(&mut first, None)?;
    let mut y = ctx.head(&mut first.ops, BODY_TOP)?;
    y = ctx.container_box(&mut first.ops, y)?;
    let foot_top = BOTTOM - FOOT_H;
    let first_lines = &d.lines[..d.lines.len().min(FIRST_PAGE_LINES)];
    ctx.goods_table(
        &mut first.ops,
        y,
        foot_top,
        FIRST_PAGE_LINES,
        0,
        first_lines,
    )?;
    ctx.foot(&mut first.ops, foot_top)?;
    pages.push(first);

    // Goods continuation pages.
    let rest = d.lines.get(FIRST_PAGE_LINES..).unwrap_or_default();
    for (k, chunk) in rest.chunks(GOODS_PAGE_LINES).enumerate() {
        let mut page = Page::default();
        ctx.title(&mut page, Some(("商品续页", "goods continued")))?;
        let start = FIRST_PAGE_LINES + k * GOODS_PAGE_LINES;
        ctx.goods_table(
            &mut page.ops,
            BODY_TOP,
            BOTTOM,
            GOODS_PAGE_LINES,
            start,
            chunk,
        )?;
        pages.push(page);
    }

    // Container continuation pages.
    let rest = d
        .containers
        .get(FIRST_PAGE_CONTAINERS..)
        .unwrap_or_default();
    for (k, chunk) in rest.chunks(CONTAINER_PAGE_CONTAINERS).enumerate() {
        let mut page = Page::default();
        ctx.title(&mut page, Some(("集装箱续页", "containers continued")))?;
        let start = FIRST_PAGE_CONTAINERS + k * CONTAINER_PAGE_CONTAINERS;
        ctx.container_table(&mut page.ops, BODY_TOP, start, chunk)?;
        pages.push(page);
    }

    ctx.footers_and_watermark(&mut pages)?;
    Ok(pages)
}

impl Ctx<'_> {
    fn export(&self) -> bool {
        self.d.head.ie_flag == IeFlag::E
    }

    /// `code label` from the code list (Chinese label, else English), the
    /// code alone when the list does not have it; empty stays empty.
    fn coded(&self, list: &str, code: &str) -> String {
        let code = code.trim();
        if code.is_empty() {
            return String::new();
        }
        match self.lists.lookup(list, code) {
            Some(e) if !e.label_zh.is_empty() => format!("{code} {}", e.label_zh),
            Some(e) if !e.label_en.is_empty() => format!("{code} {}", e.label_en),
            _ => code.to_owned(),
        }
    }

    /// The label alone (units after a quantity: `25500 千克`).
    fn unit(&self, code: &str) -> String {
        match self.lists.lookup("unit", code.trim()) {
            Some(e) if !e.label_zh.is_empty() => e.label_zh.clone(),
            _ => code.trim().to_owned(),
        }
    }

    /// Title line, kind, numbers; `continued` names a continuation page.
    fn title(&self, page: &mut Page, continued: Option<(&str, &str)>) -> Result<(), PrintError> {
        let ie = if self.export() { "出口" } else { "进口" };
        let mut title = format!("中华人民共和国海关{ie}货物报关单");
        if let Some((zh, _)) = continued {
            title.push_str(&format!("（{zh}）"));
        }
        self.centred(&mut page.ops, &title, 15.0, TOP + 15.0)?;
        let (zh, en) = self.job.kind.names();
        let tag = format!("{zh} {en}");
        let w = self.m.width("label", &tag, 9.0)?;
        page.ops.push(Op::Text {
            x: X1 - w,
            y: TOP + 13.0,
            size: 9.0,
            text: tag,
        });
        let mut numbers = vec![
            (
                "client_seq_no",
                format!("预录入编号 Pre-entry no.: {}", self.d.client_seq_no),
            ),
            (
                "entry_id",
                format!(
                    "海关编号 Customs no.: {}",
                    self.job.entry_id.as_deref().unwrap_or("—")
                ),
            ),
        ];
        if continued.is_none() {
            numbers.push((
                "head.declaring_customs",
                format!(
                    "申报地海关 Declaring customs: {}",
                    self.coded("customs_office", &self.d.head.declaring_customs)
                ),
            ));
        }
        let mut x = X0;
        for (field, text) in numbers {
            let w = self.m.width(field, &text, 7.5)?;
            page.ops.push(Op::Text {
                x,
                y: TOP + 33.0,
                size: 7.5,
                text,
            });
            x += w + 18.0;
        }
        Ok(())
    }

    fn centred(&self, ops: &mut Vec<Op>, text: &str, size: f32, y: f32) -> Result<(), PrintError> {
        let w = self.m.width("label", text, size)?;
        ops.push(Op::Text {
            x: X0 + (W - w) / 2.0,
            y,
            size,
            text: text.to_owned(),
        });
        Ok(())
    }

    /// One boxed field: titles at the top, the value fitted below.
    #[allow(clippy::too_many_arguments)]
    fn boxed(
        &self,
        ops: &mut Vec<Op>,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        zh: &str,
        en: &str,
        paras: &[Para],
    ) -> Result<(), PrintError> {
        ops.push(Op::Rect { x, y, w, h });
        let titles = self.m.wrap(
            "label",
            &format!("{zh} {en}"),
            BOX_TITLE_SIZE,
            w - 2.0 * PAD,
        )?;
        text_lines(ops, x + PAD, y + PAD * 0.6, BOX_TITLE_SIZE, &titles);
        let top = y + PAD * 0.6 + titles.len() as f32 * BOX_TITLE_SIZE * LINE + 1.0;
        if paras.iter().all(|p| p.text.is_empty()) {
            return Ok(());
        }
        let fitted = fit(self.m, paras, w - 2.0 * PAD, y + h - top - 1.5, VALUE_SIZE)?;
        text_lines(ops, x + PAD, top, fitted.size, &fitted.lines);
        Ok(())
    }

    /// A row of head boxes across the page; widths in proportion.
    fn row(&self, ops: &mut Vec<Op>, y: f32, h: f32, cells: &[Cell]) -> Result<f32, PrintError> {
        let total: f32 = cells.iter().map(|c| c.weight).sum();
        let mut x = X0;
        for c in cells {
            let w = W * c.weight / total;
            self.boxed(ops, x, y, w, h, c.zh, c.en, &c.paras)?;
            x += w;
        }
        Ok(y + h)
    }

    /// The head boxes (表头); returns the y below them.
    fn head(&self, ops: &mut Vec<Op>, y: f32) -> Result<f32, PrintError> {
        let h = &self.d.head;
        let e = self.export();
        let f = |name: &str, text: &str| para(format!("head.{name}"), text);
        let pick = |ex: &'static str, im: &'static str| if e { ex } else { im };
        let party = |name_field: &str, name: &str, code_field: &str, code: &str| {
            let mut out = vec![f(name_field, name)];
            if !code.is_empty() {
                out.push(f(code_field, code));
            }
            out
        };
        let charge = |name: &str, c: &portdesk_domain::declaration::Charge| {
            let text = [c.mark.as_str(), c.value.as_str(), c.currency.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            vec![f(name, &text)]
        };
        let rows: [(f32, Vec<Cell>); 7] = [
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        pick("境内发货人", "境内收货人"),
                        pick("Domestic consignor", "Domestic consignee"),
                        3.0,
                        party("trade_name", &h.trade_name, "trade_scc", &h.trade_scc),
                    ),
                    cell(
                        pick("出境关别", "进境关别"),
                        pick("Exit customs", "Entry customs"),
                        1.6,
                        vec![f("ie_port", &self.coded("customs_office", &h.ie_port))],
                    ),
                    cell(
                        pick("出口日期", "进口日期"),
                        pick("Export date", "Import date"),
                        1.3,
                        vec![f("ie_date", &h.ie_date)],
                    ),
                    cell(
                        "申报日期",
                        "Declared on",
                        1.3,
                        vec![para(
                            "declared_on",
                            self.job
                                .declared_on
                                .map(|d| d.format("%Y%m%d").to_string())
                                .unwrap_or_default(),
                        )],
                    ),
                    cell(
                        "备案号",
                        "Record no.",
                        1.8,
                        vec![f("record_no", &h.record_no)],
                    ),
                ],
            ),
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        pick("境外收货人", "境外发货人"),
                        pick("Overseas consignee", "Overseas consignor"),
                        3.0,
                        party(
                            "overseas_name",
                            &h.overseas_name,
                            "overseas_aeo",
                            if h.overseas_aeo == "NO" {
                                ""
                            } else {
                                &h.overseas_aeo
                            },
                        ),
                    ),
                    cell(
                        "运输方式",
                        "Transport",
                        1.6,
                        vec![f(
                            "transport_mode",
                            &self.coded("transport_mode", &h.transport_mode),
                        )],
                    ),
                    cell(
                        "运输工具名称及航次号",
                        "Conveyance and voyage",
                        2.6,
                        vec![f(
                            "conveyance_name",
                            &[h.conveyance_name.as_str(), h.voyage_no.as_str()]
                                .iter()
                                .filter(|s| !s.is_empty())
                                .copied()
                                .collect::<Vec<_>>()
                                .join("/"),
                        )],
                    ),
                    cell("提运单号", "B/L no.", 1.8, vec![f("bill_no", &h.bill_no)]),
                ],
            ),
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        pick("生产销售单位", "消费使用单位"),
                        pick("Producer", "Consumer"),
                        3.0,
                        party("owner_name", &h.owner_name, "owner_scc", &h.owner_scc),
                    ),
                    cell(
                        "监管方式",
                        "Trade mode",
                        1.6,
                        vec![f("trade_mode", &self.coded("trade_mode", &h.trade_mode))],
                    ),
                    cell(
                        "征免性质",
                        "Levy kind",
                        1.3,
                        vec![f("levy_kind", &self.coded("levy_kind", &h.levy_kind))],
                    ),
                    cell(
                        "许可证号",
                        "Licence no.",
                        3.1,
                        vec![f("licence_no", &h.licence_no)],
                    ),
                ],
            ),
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        "合同协议号",
                        "Contract no.",
                        3.0,
                        vec![f("contract_no", &h.contract_no)],
                    ),
                    cell(
                        "贸易国（地区）",
                        "Trading country",
                        1.6,
                        vec![f(
                            "trading_country",
                            &self.coded("country", &h.trading_country),
                        )],
                    ),
                    cell(
                        pick("运抵国（地区）", "启运国（地区）"),
                        pick("Destination", "Departure"),
                        1.3,
                        vec![f("trade_country", &self.coded("country", &h.trade_country))],
                    ),
                    cell(
                        pick("指运港", "经停港"),
                        pick("Port of destination", "Transit port"),
                        1.3,
                        vec![f(
                            "destination_port",
                            &self.coded("port", &h.destination_port),
                        )],
                    ),
                    cell(
                        pick("离境口岸", "入境口岸"),
                        pick("Exit port", "Entry port"),
                        1.8,
                        vec![f(
                            "entry_exit_port",
                            &self.coded("port", &h.entry_exit_port),
                        )],
                    ),
                ],
            ),
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        "包装种类",
                        "Package kind",
                        2.2,
                        vec![f(
                            "package_kind",
                            &self.coded("package_kind", &h.package_kind),
                        )],
                    ),
                    cell("件数", "Packages", 0.8, vec![f("packages", &h.packages)]),
                    cell(
                        "毛重（千克）",
                        "Gross kg",
                        1.0,
                        vec![f("gross_weight", &h.gross_weight)],
                    ),
                    cell(
                        "净重（千克）",
                        "Net kg",
                        1.0,
                        vec![f("net_weight", &h.net_weight)],
                    ),
                    cell(
                        "成交方式",
                        "Terms",
                        1.0,
                        vec![f(
                            "terms_of_sale",
                            &self.coded("terms_of_sale", &h.terms_of_sale),
                        )],
                    ),
                    cell("运费", "Freight", 1.2, charge("freight", &h.freight)),
                    cell("保费", "Insurance", 1.2, charge("insurance", &h.insurance)),
                    cell(
                        "杂费",
                        "Other",
                        1.1,
                        charge("other_charges", &h.other_charges),
                    ),
                ],
            ),
            (
                HEAD_ROW_H,
                vec![
                    cell(
                        "随附单证及编号",
                        "Attached documents",
                        5.5,
                        self.documents(),
                    ),
                    cell(
                        "启运港",
                        "Port of loading",
                        1.8,
                        vec![f("departure_port", &self.coded("port", &h.departure_port))],
                    ),
                    cell(
                        "货物存放地点",
                        "Goods location",
                        2.2,
                        vec![f("goods_place", &h.goods_place)],
                    ),
                ],
            ),
            (
                MARKS_ROW_H,
                vec![
                    cell("标记唛码及备注", "Marks and notes", 6.0, self.marks()),
                    cell(
                        "申报单位",
                        "Declaring agent",
                        3.5,
                        party("agent_name", &h.agent_name, "agent_scc", &h.agent_scc),
                    ),
                ],
            ),
        ];
        let mut y = y;
        for (height, cells) in &rows {
            y = self.row(ops, y, *height, cells)?;
        }
        Ok(y)
    }

    fn documents(&self) -> Vec<Para> {
        self.d
            .documents
            .iter()
            .enumerate()
            .map(|(k, doc)| {
                para(
                    format!("documents[{k}].cert_no"),
                    format!("{}: {}", self.coded("document", &doc.code), doc.cert_no),
                )
            })
            .collect()
    }

    fn marks(&self) -> Vec<Para> {
        let h = &self.d.head;
        let mut out = vec![para("head.marks", &h.marks)];
        if !h.remarks.is_empty() {
            out.push(para("head.remarks", format!("备注 {}", h.remarks)));
        }
        // 价格说明: special relationship, price influence, royalties
        // (1 yes, 0 no).
        let answers: Vec<String> = ["特殊关系确认", "价格影响确认", "支付特许权使用费确认"]
            .iter()
            .zip(h.price_declarations.chars())
            .filter_map(|(q, a)| match a {
                '1' => Some(format!("{q}：是")),
                '0' => Some(format!("{q}：否")),
                _ => None,
            })
            .collect();
        if !answers.is_empty() {
            out.push(para("head.price_declarations", answers.join("  ")));
        }
        out
    }

    fn container_text(&self, i: usize) -> Para {
        let c = &self.d.containers[i];
        let mut text = c.number.clone();
        for part in [&c.size_type, &c.weight] {
            if !part.is_empty() {
                text.push(' ');
                text.push_str(part);
            }
        }
        if !c.weight.is_empty() {
            text.push_str("kg");
        }
        para(format!("containers[{i}].number"), text)
    }

    /// Page 1's container box: the first [`FIRST_PAGE_CONTAINERS`].
    fn container_box(&self, ops: &mut Vec<Op>, y: f32) -> Result<f32, PrintError> {
        let n = self.d.containers.len();
        let shown = n.min(FIRST_PAGE_CONTAINERS);
        let mut paras: Vec<Para> = Vec::new();
        let line: Vec<String> = (0..shown).map(|i| self.container_text(i).text).collect();
        if shown > 0 {
            // One paragraph, so they share a line; glyphs checked under
            // each container's own field first.
            for i in 0..shown {
                let p = self.container_text(i);
                self.m.width(&p.field, &p.text, VALUE_SIZE)?;
            }
            paras.push(para("containers", line.join("    ")));
        }
        if n > shown {
            paras.push(label(format!(
                "另有{}个集装箱见集装箱续页 / {} more on the container continuation page(s)",
                n - shown,
                n - shown
            )));
        }
        let title = format!("集装箱号（共{n}个）");
        self.boxed(ops, X0, y, W, CONTAINER_ROW_H, &title, "Containers", &paras)?;
        Ok(y + CONTAINER_ROW_H)
    }

    /// The goods table from `top` to `bottom` with `slots` equal rows,
    /// filled with `lines` (numbered from `start` + 1).
    fn goods_table(
        &self,
        ops: &mut Vec<Op>,
        top: f32,
        bottom: f32,
        slots: usize,
        start: usize,
        lines: &[GoodsLine],
    ) -> Result<(), PrintError> {
        let cols = goods_columns(self.d.head.ie_flag);
        ops.push(Op::Rect {
            x: X0,
            y: top,
            w: W,
            h: bottom - top,
        });
        let rows_top = top + COL_HEAD_H;
        ops.push(Op::Line {
            x1: X0,
            y1: rows_top,
            x2: X1,
            y2: rows_top,
        });
        let mut x = X0;
        for (i, &(_, zh, en, w)) in cols.iter().enumerate() {
            let heads = [label(zh), label(en)];
            let fitted = fit(self.m, &heads, w - 2.0 * PAD, COL_HEAD_H - 2.0, 6.0)?;
            text_lines(ops, x + PAD, top + 1.5, fitted.size, &fitted.lines);
            x += w;
            if i + 1 < cols.len() {
                ops.push(Op::Line {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: bottom,
                });
            }
        }
        let slot = (bottom - rows_top) / slots as f32;
        for (k, line) in lines.iter().enumerate() {
            let y = rows_top + k as f32 * slot;
            if k > 0 {
                ops.push(Op::Line {
                    x1: X0,
                    y1: y,
                    x2: X1,
                    y2: y,
                });
            }
            let i = start + k;
            let mut x = X0;
            for &(col, _, _, w) in &cols {
                let paras = self.goods_cell(col, i, line);
                if !paras.is_empty() {
                    let fitted = fit(self.m, &paras, w - 2.0 * PAD, slot - 2.0 * PAD, TABLE_SIZE)?;
                    text_lines(ops, x + PAD, y + PAD, fitted.size, &fitted.lines);
                }
                x += w;
            }
        }
        if let Some(k) = (lines.len() < slots)
            .then_some(lines.len())
            .filter(|&k| k > 0)
        {
            ops.push(Op::Line {
                x1: X0,
                y1: rows_top + k as f32 * slot,
                x2: X1,
                y2: rows_top + k as f32 * slot,
            });
        }
        Ok(())
    }

    fn goods_cell(&self, col: Col, i: usize, l: &GoodsLine) -> Vec<Para> {
        let f = |name: &str, text: String| para(format!("lines[{i}].{name}"), text);
        let qty = |name: &str, q: &str, u: &str| {
            (!q.is_empty()).then(|| f(name, format!("{q} {}", self.unit(u)).trim().to_owned()))
        };
        // A country as the form prints it: its label, then the code.
        let country = |name: &str, code: &str| match self.lists.lookup("country", code.trim()) {
            Some(e) if !e.label_zh.is_empty() => vec![f(name, format!("{}({})", e.label_zh, code))],
            _ if code.is_empty() => vec![],
            _ => vec![f(name, code.to_owned())],
        };
        match col {
            Col::ItemNo => vec![label((i + 1).to_string())],
            Col::Code => vec![f("commodity_code", l.commodity_code.clone())],
            Col::Name => {
                let mut out = vec![f("name", l.name.clone())];
                if !l.elements.is_empty() {
                    out.push(f("elements", l.elements.clone()));
                }
                out
            }
            Col::Quantity => [
                qty("first_quantity", &l.first_quantity, &l.first_unit),
                qty("second_quantity", &l.second_quantity, &l.second_unit),
                qty("quantity", &l.quantity, &l.unit),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Col::Price => {
                let mut out = Vec::new();
                if !l.unit_price.is_empty() {
                    out.push(f("unit_price", l.unit_price.clone()));
                }
                if !l.total_price.is_empty() {
                    out.push(f("total_price", l.total_price.clone()));
                }
                if !l.currency.is_empty() {
                    out.push(f("currency", self.coded("currency", &l.currency)));
                }
                out
            }
            Col::Origin => country("origin_country", &l.origin_country),
            Col::Destination => country("destination_country", &l.destination_country),
            Col::District => {
                let mut out = Vec::new();
                if !l.district_code.is_empty() {
                    out.push(f("district_code", self.coded("district", &l.district_code)));
                }
                out
            }
            Col::Duty => {
                let mut out = Vec::new();
                if !l.duty_mode.is_empty() {
                    out.push(f("duty_mode", self.coded("duty_mode", &l.duty_mode)));
                }
                out
            }
        }
    }

    /// A container continuation page's table.
    fn container_table(
        &self,
        ops: &mut Vec<Op>,
        top: f32,
        start: usize,
        chunk: &[portdesk_domain::declaration::Container],
    ) -> Result<(), PrintError> {
        let bottom = top + COL_HEAD_H + CONTAINER_PAGE_CONTAINERS as f32 * CONTAINER_LINE_H;
        ops.push(Op::Rect {
            x: X0,
            y: top,
            w: W,
            h: bottom - top,
        });
        let mut x = X0;
        for (i, &(zh, en, w)) in CONTAINER_COLUMNS.iter().enumerate() {
            let heads = [label(zh), label(en)];
            let fitted = fit(self.m, &heads, w - 2.0 * PAD, COL_HEAD_H - 2.0, 6.0)?;
            text_lines(ops, x + PAD, top + 1.5, fitted.size, &fitted.lines);
            x += w;
            if i + 1 < CONTAINER_COLUMNS.len() {
                ops.push(Op::Line {
                    x1: x,
                    y1: top,
                    x2: x,
                    y2: bottom,
                });
            }
        }
        for k in 0..CONTAINER_PAGE_CONTAINERS {
            let y = top + COL_HEAD_H + k as f32 * CONTAINER_LINE_H;
            ops.push(Op::Line {
                x1: X0,
                y1: y,
                x2: X1,
                y2: y,
            });
            let Some(c) = chunk.get(k) else { continue };
            let i = start + k;
            let f = |name: &str, text: String| para(format!("containers[{i}].{name}"), text);
            let cells = [
                label((i + 1).to_string()),
                f("number", c.number.clone()),
                f("size_type", c.size_type.clone()),
                f("weight", c.weight.clone()),
                label(if c.part_load { "是 yes" } else { "否 no" }),
                f("line_refs", c.line_refs.clone()),
            ];
            let mut x = X0;
            for (p, &(_, _, w)) in cells.iter().zip(&CONTAINER_COLUMNS) {
                let fitted = fit(
                    self.m,
                    std::slice::from_ref(p),
                    w - 2.0 * PAD,
                    CONTAINER_LINE_H - 2.0 * PAD,
                    VALUE_SIZE,
                )?;
                text_lines(ops, x + PAD, y + PAD, fitted.size, &fitted.lines);
                x += w;
            }
        }
        Ok(())
    }

    /// Page 1's foot: the declarant's statement and, on the check sheet,
    /// the consignor's sign-off (核对人/日期/盖章); on the draft, the
    /// customs endorsement box.
    fn foot(&self, ops: &mut Vec<Op>, y: f32) -> Result<(), PrintError> {
        let left_w = W * 0.55;
        let statement = [
            label("报关人员 Declarant:                    申报单位（签章） Agent's seal:"),
            label("兹申明对以上内容承担如实申报、依法纳税之法律责任。 We declare the above to be true and accept the legal duty to pay the taxes due."),
        ];
        self.boxed(
            ops,
            X0,
            y,
            left_w,
            FOOT_H,
            "申报人声明",
            "Declaration",
            &statement,
        )?;
        let (zh, en, lines): (&str, &str, Vec<Para>) = match self.job.kind {
            SheetKind::Check => (
                "收发货人核对",
                "Checked by the consignor/consignee",
                vec![
                    label("核对人 Checked by: ________________"),
                    label("日期 Date: ________________"),
                    label("盖章 Seal:"),
                ],
            ),
            SheetKind::Draft => ("海关批注及签章", "Customs endorsement", vec![]),
        };
        self.boxed(ops, X0 + left_w, y, W - left_w, FOOT_H, zh, en, &lines)
    }

    /// Page numbers on every page and, on a draft not yet released, the
    /// diagonal watermark.
    fn footers_and_watermark(&self, pages: &mut [Page]) -> Result<(), PrintError> {
        let total = pages.len();
        let (zh, en) = self.job.kind.names();
        let watermark = self.job.kind == SheetKind::Draft && !self.job.released;
        for (i, page) in pages.iter_mut().enumerate() {
            let left = format!("{} 报关单{zh} {en}", self.d.client_seq_no);
            let right = format!("第{}页 共{total}页 / Page {} of {total}", i + 1, i + 1);
            self.m.width("client_seq_no", &left, 7.0)?;
            let rw = self.m.width("label", &right, 7.0)?;
            page.ops.push(Op::Text {
                x: X0,
                y: PAGE_H - 20.0,
                size: 7.0,
                text: left,
            });
            page.ops.push(Op::Text {
                x: X1 - rw,
                y: PAGE_H - 20.0,
                size: 7.0,
                text: right,
            });
            if watermark {
                // First, so it lies under the boxes and text.
                page.ops.insert(
                    0,
                    Op::Watermark {
                        cx: PAGE_W / 2.0,
                        cy: PAGE_H / 2.0,
                        size: 60.0,
                        angle: -50.0,
                        text: WATERMARK.into(),
                    },
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_rule_counts_goods_then_containers() {
        assert_eq!(page_count(0, 0), 1);
        assert_eq!(page_count(FIRST_PAGE_LINES, FIRST_PAGE_CONTAINERS), 1);
        assert_eq!(page_count(FIRST_PAGE_LINES + 1, 0), 2);
        assert_eq!(page_count(FIRST_PAGE_LINES + GOODS_PAGE_LINES, 0), 2);
        assert_eq!(page_count(FIRST_PAGE_LINES + GOODS_PAGE_LINES + 1, 0), 3);
        assert_eq!(page_count(0, FIRST_PAGE_CONTAINERS + 1), 2);
        assert_eq!(
            page_count(50, 10),
            1 + 45usize.div_ceil(GOODS_PAGE_LINES) + 1
        );
    }

    #[test]
    fn goods_columns_fill_the_page() {
        for ie in [IeFlag::E, IeFlag::I] {
            let total: f32 = goods_columns(ie).iter().map(|c| c.3).sum();
            assert!((total - W).abs() < 0.01, "{total}");
        }
        let total: f32 = CONTAINER_COLUMNS.iter().map(|c| c.2).sum();
        assert!((total - W).abs() < 0.01, "{total}");
        assert!(
            BODY_TOP + COL_HEAD_H + CONTAINER_PAGE_CONTAINERS as f32 * CONTAINER_LINE_H <= BOTTOM
        );
    }
}
