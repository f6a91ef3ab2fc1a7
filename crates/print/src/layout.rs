//! Page layout of the three forms: where each numbered box goes, what text
//! it holds, and how the goods table flows onto continuation sheets.
//!
//! The output is a list of pages of plain drawing operations in points,
//! origin top left (krilla's convention). Everything that can fail on input
//! (a character the font lacks, a text too long for its box) fails here,
//! before a single PDF object is written.
//!
//! Page 1 is the certificate itself: the parties and transport boxes on the
//! left, the certificate number, title and official-use box on the right,
//! the goods table across the page, and the declaration and certification
//! boxes at the bottom (with box 13's tick boxes on Form E and box 14's
//! remarks on RCEP). Goods that do not fit continue on sheets that repeat
//! the certificate number and the table's column heads.

use chrono::NaiveDate;
use portdesk_domain::origin::{
    parse_certificate_number, OriginApplication, OriginForm, OriginItem,
};
use portdesk_domain::CodeLists;

use crate::font::FontSet;
use crate::{PrintError, PrintJob};

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 28.35; // 10 mm
const X0: f32 = MARGIN;
const X1: f32 = PAGE_W - MARGIN;
const TOP: f32 = MARGIN;
/// Lowest y of the boxes; the footer goes below.
const BOTTOM: f32 = PAGE_H - 36.0;
/// Width of the left column (parties, declaration).
const LEFT_W: f32 = 290.0;
/// Height of the parties/transport block on page 1.
const HEAD_H: f32 = 262.0;
/// Height of the declaration and certification boxes.
const FOOT_H: f32 = 178.0;
/// Height of RCEP's box 14 (remarks and tick boxes).
const REMARKS_H: f32 = 52.0;
/// Height of the goods table's column heads.
const COL_HEAD_H: f32 = 50.0;
/// Padding inside a box.
pub(crate) const PAD: f32 = 3.5;
/// The QR code's side: 35 mm, small enough for the box, large enough that
/// a version 10 code (57 modules) has 0.6 mm modules.
pub(crate) const QR_SIDE: f32 = 99.2;

pub(crate) const VALUE_SIZE: f32 = 8.5;
pub(crate) const TABLE_SIZE: f32 = 7.5;
pub(crate) const TITLE_SIZE: f32 = 6.0;
pub(crate) const MIN_SIZE: f32 = 5.0;
pub(crate) const LINE: f32 = 1.22;

/// A drawing operation, in points from the page's top left.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// One line of text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// A stroked rectangle.
    Rect { x: f32, y: f32, w: f32, h: f32 },
    /// A stroked line.
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
    /// A tick box, crossed when `checked`.
    Check {
        x: f32,
        y: f32,
        side: f32,
        checked: bool,
    },
    /// Text in light grey turned `angle` degrees (clockwise) about its
    /// centre `(cx, cy)`: the draft's watermark.
    Watermark {
        cx: f32,
        cy: f32,
        size: f32,
        angle: f32,
        text: String,
    },
    /// The QR code of the job's QR text, `side` points square.
    Qr { x: f32, y: f32, side: f32 },
    /// The seal or signature image, fitted into the rectangle.
    Image {
        which: ImageKind,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageKind {
    Seal,
    Signature,
}

/// One page of operations.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) ops: Vec<Op>,
}

/// A numbered box of a form: its number and titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxTitle {
    pub number: u8,
    pub en: &'static str,
    pub zh: &'static str,
}

const fn b(number: u8, en: &'static str, zh: &'static str) -> BoxTitle {
    BoxTitle { number, en, zh }
}

const BOXES_C: &[BoxTitle] = &[
    b(1, "Exporter", "出口商"),
    b(2, "Consignee", "收货人"),
    b(3, "Means of transport and route", "运输方式和路线"),
    b(4, "Country / region of destination", "目的国（地区）"),
    b(5, "For certifying authority use only", "签证机构用栏"),
    b(6, "Marks and numbers", "唛头及包装号"),
    b(
        7,
        "Number and kind of packages; description of goods",
        "包装件数及种类；商品名称",
    ),
    b(8, "H.S. code", "HS编码"),
    b(9, "Quantity", "数量"),
    b(10, "Number and date of invoices", "发票号码及日期"),
    b(11, "Declaration by the exporter", "出口商声明"),
    b(12, "Certification", "签证机构证明"),
];

const BOXES_E: &[BoxTitle] = &[
    b(
        1,
        "Goods consigned from (Exporter's business name, address, country)",
        "出口商名称、地址、国家",
    ),
    b(
        2,
        "Goods consigned to (Consignee's name, address, country)",
        "收货人名称、地址、国家",
    ),
    b(
        3,
        "Means of transport and route (as far as known)",
        "运输方式及路线（就所知而言）",
    ),
    b(4, "For Official Use", "官方使用"),
    b(5, "Item number", "项目编号"),
    b(6, "Marks and numbers on packages", "唛头及包装号"),
    b(
        7,
        "Number and type of packages, description of goods (including quantity where appropriate and HS number of the importing Party)",
        "包装数量及种类，商品名称（包括相应数量及进口方HS编码）",
    ),
    b(8, "Origin criteria", "原产地标准"),
    b(
        9,
        "Gross weight or other quantity and value (FOB)",
        "毛重或其他数量及价格（FOB）",
    ),
    b(10, "Number and date of invoices", "发票号码及日期"),
    b(11, "Declaration by the exporter", "出口商声明"),
    b(12, "Certification", "证明"),
    b(13, "Tick where applicable", "如适用请勾选"),
];

const BOXES_R: &[BoxTitle] = &[
    b(
        1,
        "Exporter's name, address and country",
        "出口商名称、地址、国家",
    ),
    b(
        2,
        "Importer's or consignee's name, address and country",
        "进口商或收货人名称、地址、国家",
    ),
    b(
        3,
        "Producer's name, address and country (if known)",
        "生产商名称、地址、国家（如已知）",
    ),
    b(
        4,
        "Means of transport and route (if known)",
        "运输方式及路线（如已知）",
    ),
    b(5, "For official use", "官方使用"),
    b(6, "Item number", "项目号"),
    b(7, "Marks and numbers", "唛头及包装号"),
    b(
        8,
        "Number and kind of packages; and description of goods",
        "包装数量及种类；商品描述",
    ),
    b(9, "HS code (6-digit)", "HS编码（6位）"),
    b(10, "Origin conferring criterion", "原产地标准"),
    b(11, "RCEP country of origin", "RCEP原产国"),
    b(
        12,
        "Quantity (gross weight or other measurement), and value (FOB) where RVC is applied",
        "数量（毛重或其他计量），适用区域价值成分时的FOB价格",
    ),
    b(
        13,
        "Invoice number(s) and date of invoice(s)",
        "发票号码及日期",
    ),
    b(14, "Remarks", "备注"),
    b(
        15,
        "Declaration by the exporter or producer",
        "出口商或生产商声明",
    ),
    b(16, "Certification", "证明"),
];

/// The numbered boxes of `form`, in order: 12 on C, 13 on E, 16 on RCEP.
pub fn form_boxes(form: OriginForm) -> &'static [BoxTitle] {
    match form {
        OriginForm::C => BOXES_C,
        OriginForm::E => BOXES_E,
        OriginForm::R => BOXES_R,
    }
}

fn title(form: OriginForm, n: u8) -> BoxTitle {
    form_boxes(form)
        .iter()
        .copied()
        .find(|t| t.number == n)
        .unwrap_or(b(n, "", ""))
}

/// What goes in one column of the goods table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    ItemNo,
    Marks,
    Description,
    Hs,
    Criterion,
    CountryOfOrigin,
    Quantity,
    Invoices,
}

fn columns(form: OriginForm) -> &'static [(u8, Col, f32)] {
    // Widths add up to the content width, 538.58 pt.
    match form {
        OriginForm::C => &[
            (6, Col::Marks, 88.0),
            (7, Col::Description, 228.58),
            (8, Col::Hs, 52.0),
            (9, Col::Quantity, 82.0),
            (10, Col::Invoices, 88.0),
        ],
        OriginForm::E => &[
            (5, Col::ItemNo, 30.0),
            (6, Col::Marks, 66.0),
            (7, Col::Description, 206.58),
            (8, Col::Criterion, 54.0),
            (9, Col::Quantity, 96.0),
            (10, Col::Invoices, 86.0),
        ],
        OriginForm::R => &[
            (6, Col::ItemNo, 32.0),
            (7, Col::Marks, 52.0),
            (8, Col::Description, 152.58),
            (9, Col::Hs, 40.0),
            (10, Col::Criterion, 50.0),
            (11, Col::CountryOfOrigin, 52.0),
            (12, Col::Quantity, 79.0),
            (13, Col::Invoices, 81.0),
        ],
    }
}

/// A text to print and the field it comes from (`label` for the form's own
/// words), so a glyph error can name it.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    pub(crate) field: String,
    pub(crate) text: String,
}

pub(crate) fn para(field: impl Into<String>, text: impl Into<String>) -> Para {
    Para {
        field: field.into(),
        text: text.into(),
    }
}

pub(crate) fn label(text: impl Into<String>) -> Para {
    para("label", text)
}

/// Paragraphs laid out at one size.
pub(crate) struct Fitted {
    pub(crate) size: f32,
    pub(crate) lines: Vec<String>,
}

impl Fitted {
    pub(crate) fn height(&self) -> f32 {
        self.lines.len() as f32 * self.size * LINE
    }
}

/// Lays out `paras` in `w` × `h` at `size`, shrinking by half points down
/// to [`MIN_SIZE`] until they fit. If even that is too much, fails naming
/// the longest paragraph's field, the one to shorten.
pub(crate) fn fit(
    m: &FontSet<'_>,
    paras: &[Para],
    w: f32,
    h: f32,
    size: f32,
) -> Result<Fitted, PrintError> {
    let mut size = size;
    loop {
        let lines = wrap_all(m, paras, size, w)?;
        let fitted = Fitted { size, lines };
        if fitted.height() <= h + 0.01 {
            return Ok(fitted);
        }
        if size - 0.5 < MIN_SIZE {
            let field = paras
                .iter()
                .filter(|p| p.field != "label")
                .max_by_key(|p| p.text.chars().count())
                .map_or_else(|| "label".to_owned(), |p| p.field.clone());
            return Err(PrintError::TooLong { field });
        }
        size -= 0.5;
    }
}

fn wrap_all(m: &FontSet<'_>, paras: &[Para], size: f32, w: f32) -> Result<Vec<String>, PrintError> {
    let mut lines = Vec::new();
    for p in paras {
        lines.extend(m.wrap(&p.field, &p.text, size, w)?);
    }
    Ok(lines)
}

/// Builds the pages: measures, breaks lines, checks glyphs. Nothing is drawn.
pub(crate) fn layout(job: &PrintJob, lists: &CodeLists) -> Result<Vec<Page>, PrintError> {
    let fonts = FontSet::bundled()?;
    let m = &fonts;
    let app = &job.application;
    let form = app.form;
    let number = &job.certificate_number;
    match parse_certificate_number(number) {
        Ok(n) if n.form == Some(form) => {}
        _ => return Err(PrintError::BadCertificateNumber(number.clone())),
    }
    // Glyph check of the number itself, under its own name.
    m.width("certificate_number", number, VALUE_SIZE)?;
    let ctx = Ctx { m, app, lists };

    let mut first = Page::default();
    ctx.head(&mut first, job)?;
    let table_top = TOP + HEAD_H;
    let rows_top = table_top + COL_HEAD_H;
    let table_bottom = ctx.foot(&mut first, job)?;
    ctx.column_heads(&mut first, table_top)?;

    let rows = ctx.rows()?;
    // Page 1 keeps one line free at the bottom of the table for the
    // "continued" note when goods go on.
    let note_h = TABLE_SIZE * LINE + PAD;
    let cont_top = TOP + 34.0;
    let mut pages = vec![first];
    let mut y = rows_top + PAD;
    let mut limit = table_bottom - PAD;
    let mut on_first = true;
    let mut page_empty = true;
    let mut continued = false;
    let mut pending: Vec<Row> = rows.into_iter().rev().collect();
    while let Some(row) = pending.pop() {
        let last = pending.is_empty();
        let room = if on_first && !last {
            limit - note_h
        } else {
            limit
        };
        let cur = pages.len() - 1;
        if y + row.height() <= room + 0.01 {
            ctx.place_row(&mut pages[cur].ops, &row, y);
            y += row.height();
            page_empty = false;
            continue;
        }
        // It does not fit: this page ends here. Split the row when it would
        // not fit a fresh page either, or when the page is still empty;
        // otherwise move it whole.
        let room = if on_first { limit - note_h } else { limit };
        let free_lines = ((room - y - 2.0 * PAD) / (TABLE_SIZE * LINE))
            .floor()
            .max(0.0) as usize;
        let fresh_lines =
            ((BOTTOM - cont_top - COL_HEAD_H - 4.0 * PAD) / (TABLE_SIZE * LINE)) as usize;
        if page_empty && !on_first && free_lines == 0 {
            return Err(PrintError::TooLong {
                field: "items".into(),
            });
        }
        let (head, tail) = if free_lines >= 1 && (page_empty || row.lines() > fresh_lines) {
            row.split(free_lines)
        } else {
            (None, Some(row))
        };
        if let Some(head) = head {
            ctx.place_row(&mut pages[cur].ops, &head, y);
        }
        pending.extend(tail);
        if on_first {
            continued = true;
            let note = label("CONTINUED ON THE ATTACHED SHEET(S) / 续页");
            let lines = m.wrap(&note.field, &note.text, TABLE_SIZE, X1 - X0 - 2.0 * PAD)?;
            text_lines(
                &mut pages[cur].ops,
                X0 + PAD,
                limit - note_h + PAD,
                TABLE_SIZE,
                &lines,
            );
        }
        on_first = false;
        let mut page = Page::default();
        ctx.continuation_head(&mut page, job)?;
        ctx.column_heads(&mut page, cont_top)?;
        ctx.table_frame(&mut page, cont_top, BOTTOM, BOTTOM);
        pages.push(page);
        y = cont_top + COL_HEAD_H + PAD;
        limit = BOTTOM - PAD;
        page_empty = true;
    }
    // On page 1 the column rules stop above the "continued" note.
    let rules_bottom = if continued {
        table_bottom - note_h
    } else {
        table_bottom
    };
    ctx.table_frame(&mut pages[0], table_top, table_bottom, rules_bottom);

    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let left = format!("Certificate No. 证书号 {number}");
        let right = format!("Page {} of {total} / 第{}页 共{total}页", i + 1, i + 1);
        m.width("label", &left, 7.0)?;
        let rw = m.width("label", &right, 7.0)?;
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
    }
    Ok(pages)
}

/// One goods row: the lines of each column.
struct Row {
    cells: Vec<Vec<String>>,
}

impl Row {
    fn lines(&self) -> usize {
        self.cells.iter().map(Vec::len).max().unwrap_or(0)
    }

    fn height(&self) -> f32 {
        self.lines() as f32 * TABLE_SIZE * LINE + 2.0 * PAD
    }

    /// The first `n` lines of every column, and the rest (if any).
    fn split(self, n: usize) -> (Option<Row>, Option<Row>) {
        if n == 0 {
            return (None, Some(self));
        }
        let mut head = Vec::new();
        let mut tail = Vec::new();
        for mut cell in self.cells {
            let rest = cell.split_off(n.min(cell.len()));
            head.push(cell);
            tail.push(rest);
        }
        let tail = Row { cells: tail };
        let tail = (tail.lines() > 0).then_some(tail);
        (Some(Row { cells: head }), tail)
    }
}

pub(crate) fn text_lines(ops: &mut Vec<Op>, x: f32, top: f32, size: f32, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        ops.push(Op::Text {
            x,
            // Baseline: the font's ascent below the line's top.
            y: top + size * (0.88 + i as f32 * LINE),
            size,
            text: line.clone(),
        });
    }
}

struct Ctx<'a> {
    m: &'a FontSet<'a>,
    app: &'a OriginApplication,
    lists: &'a CodeLists,
}

impl Ctx<'_> {
    fn form(&self) -> OriginForm {
        self.app.form
    }

    /// Draws a numbered box with its titles; returns the y below the titles.
    fn boxed(
        &self,
        ops: &mut Vec<Op>,
        n: u8,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    ) -> Result<f32, PrintError> {
        ops.push(Op::Rect { x, y, w, h });
        let t = title(self.form(), n);
        let paras = [label(format!("{}. {}", t.number, t.en)), label(t.zh)];
        let lines = wrap_all(self.m, &paras, TITLE_SIZE, w - 2.0 * PAD)?;
        text_lines(ops, x + PAD, y + PAD, TITLE_SIZE, &lines);
        Ok(y + PAD + lines.len() as f32 * TITLE_SIZE * LINE + 1.5)
    }

    /// A numbered box holding `paras`, shrunk to fit.
    #[allow(clippy::too_many_arguments)]
    fn filled_box(
        &self,
        ops: &mut Vec<Op>,
        n: u8,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        paras: &[Para],
    ) -> Result<(), PrintError> {
        let top = self.boxed(ops, n, x, y, w, h)?;
        let fitted = fit(self.m, paras, w - 2.0 * PAD, y + h - top - PAD, VALUE_SIZE)?;
        text_lines(ops, x + PAD, top, fitted.size, &fitted.lines);
        Ok(())
    }

    fn country(&self, code: &str) -> String {
        self.lists
            .lookup("country", code)
            .map_or_else(|| code.to_owned(), |e| e.label_en.to_uppercase())
    }

    fn port(&self, code: &str) -> String {
        self.lists
            .lookup("port", code)
            .map_or_else(|| code.to_owned(), |e| e.label_en.to_uppercase())
    }

    fn unit(&self, code: &str) -> String {
        self.lists
            .lookup("unit", code)
            .map_or_else(|| code.to_owned(), |e| e.label_en.to_uppercase())
    }

    fn package_kind(&self, code: &str) -> String {
        self.lists
            .lookup("package_kind", code)
            .map_or_else(|| code.to_owned(), |e| e.label_en.to_uppercase())
    }

    fn transport_means(&self, code: &str) -> String {
        match code {
            "2" => "BY SEA".into(),
            "3" => "BY RAIL".into(),
            "4" => "BY ROAD".into(),
            "5" => "BY AIR".into(),
            "6" => "BY POST".into(),
            _ => self.lists.lookup("transport_mode", code).map_or_else(
                || code.to_owned(),
                |e| format!("BY {}", e.label_en.to_uppercase()),
            ),
        }
    }

    fn party(&self, prefix: &str, name: &str, address: &str, country: &str) -> Vec<Para> {
        let mut out = vec![para(format!("{prefix}.name"), name)];
        if !address.is_empty() {
            out.push(para(format!("{prefix}.address"), address));
        }
        if !country.is_empty() {
            out.push(para(format!("{prefix}.country"), self.country(country)));
        }
        out
    }

    fn transport(&self) -> Vec<Para> {
        let t = &self.app.transport;
        let mut out = Vec::new();
        if !t.route.is_empty() {
            out.push(para("transport.route", &t.route));
        } else if !t.means.is_empty() {
            out.push(para("transport.means", self.transport_means(&t.means)));
        }
        if !t.departure_date.is_empty() {
            out.push(para(
                "transport.departure_date",
                format!("DEPARTURE DATE: {}", date(&t.departure_date)),
            ));
        }
        if !t.vessel.is_empty() {
            out.push(para(
                "transport.vessel",
                format!("VESSEL'S NAME / FLIGHT NO.: {}", t.vessel),
            ));
        }
        if !t.port_of_loading.is_empty() {
            out.push(para(
                "transport.port_of_loading",
                format!("PORT OF LOADING: {}", self.port(&t.port_of_loading)),
            ));
        }
        if !t.port_of_discharge.is_empty() {
            out.push(para(
                "transport.port_of_discharge",
                format!("PORT OF DISCHARGE: {}", self.port(&t.port_of_discharge)),
            ));
        }
        out
    }

    /// Page 1's upper block: parties and transport on the left; number,
    /// title and official-use box on the right.
    fn head(&self, page: &mut Page, job: &PrintJob) -> Result<(), PrintError> {
        let app = self.app;
        let ops = &mut page.ops;
        let exporter = self.party(
            "exporter",
            &app.exporter.name,
            &app.exporter.address,
            &app.exporter.country,
        );
        let consignee = self.party(
            "consignee",
            &app.consignee.name,
            &app.consignee.address,
            &app.consignee.country,
        );
        let stack: Vec<(u8, f32, Vec<Para>)> = match self.form() {
            OriginForm::C => vec![
                (1, 72.0, exporter),
                (2, 72.0, consignee),
                (3, 70.0, self.transport()),
                (
                    4,
                    48.0,
                    vec![para(
                        "importing_country",
                        self.country(&app.importing_country),
                    )],
                ),
            ],
            OriginForm::E => vec![
                (1, 80.0, exporter),
                (2, 80.0, consignee),
                (3, 102.0, self.transport()),
            ],
            OriginForm::R => {
                let p = &app.producer;
                let producer = if p.name.is_empty() {
                    vec![]
                } else {
                    self.party("producer", &p.name, &p.address, &p.country)
                };
                vec![
                    (1, 62.0, exporter),
                    (2, 62.0, consignee),
                    (3, 62.0, producer),
                    (4, 76.0, self.transport()),
                ]
            }
        };
        let mut y = TOP;
        for (n, h, paras) in &stack {
            self.filled_box(ops, *n, X0, y, LEFT_W, *h, paras)?;
            y += h;
        }

        // Right column: reference box with number and title.
        let rx = X0 + LEFT_W;
        let rw = X1 - rx;
        let ref_h = 150.0;
        ops.push(Op::Rect {
            x: rx,
            y: TOP,
            w: rw,
            h: ref_h,
        });
        let mut paras = vec![label("Certificate No. / Reference No. 证书号")];
        let mut lines = wrap_all(self.m, &paras, TITLE_SIZE, rw - 2.0 * PAD)?;
        text_lines(ops, rx + PAD, TOP + PAD, TITLE_SIZE, &lines);
        let mut ty = TOP + PAD + lines.len() as f32 * TITLE_SIZE * LINE + 1.0;
        lines = self
            .m
            .wrap("certificate_number", &job.certificate_number, 12.0, rw)?;
        text_lines(ops, rx + PAD, ty, 12.0, &lines);
        ty += 12.0 * LINE + 6.0;
        paras.clear();
        let (titles, zh): (&[&str], &str) = match self.form() {
            OriginForm::C => (
                &[
                    "CERTIFICATE OF ORIGIN",
                    "OF",
                    "THE PEOPLE'S REPUBLIC OF CHINA",
                ],
                "中华人民共和国原产地证明书",
            ),
            OriginForm::E => (
                &[
                    "ASEAN-CHINA FREE TRADE AREA",
                    "PREFERENTIAL TARIFF",
                    "CERTIFICATE OF ORIGIN",
                    "(Combined Declaration and Certificate)",
                    "FORM E",
                ],
                "中国—东盟自由贸易区优惠原产地证明书",
            ),
            OriginForm::R => (
                &[
                    "REGIONAL COMPREHENSIVE ECONOMIC",
                    "PARTNERSHIP AGREEMENT",
                    "CERTIFICATE OF ORIGIN",
                ],
                "区域全面经济伙伴关系协定原产地证明书",
            ),
        };
        for t in titles {
            let w = self.m.width("label", t, 10.0)?;
            let size = if w > rw - 2.0 * PAD {
                10.0 * (rw - 2.0 * PAD) / w
            } else {
                10.0
            };
            let w = w * size / 10.0;
            ops.push(Op::Text {
                x: rx + (rw - w) / 2.0,
                y: ty + size * 0.88,
                size,
                text: (*t).to_owned(),
            });
            ty += size * LINE;
        }
        let zw = self.m.width("label", zh, 8.0)?;
        ops.push(Op::Text {
            x: rx + (rw - zw) / 2.0,
            y: ty + 8.0 * 0.88 + 2.0,
            size: 8.0,
            text: zh.to_owned(),
        });
        ty += 8.0 * LINE + 6.0;
        let issued = "Issued in THE PEOPLE'S REPUBLIC OF CHINA";
        let iw = self.m.width("label", issued, 7.5)?;
        ops.push(Op::Text {
            x: rx + (rw - iw) / 2.0,
            y: ty + 7.5 * 0.88,
            size: 7.5,
            text: issued.to_owned(),
        });

        // Official-use box.
        let oy = TOP + ref_h;
        let oh = HEAD_H - ref_h;
        let n = if self.form() == OriginForm::E { 4 } else { 5 };
        let top = self.boxed(ops, n, rx, oy, rw, oh)?;
        match self.form() {
            OriginForm::C => {}
            OriginForm::E => {
                let items = [
                    "Preferential Treatment Given Under ASEAN-China Free Trade Area Preferential Tariff",
                    "Preferential Treatment Not Given (Please state reason/s)",
                ];
                self.checks(
                    ops,
                    rx + PAD,
                    top + 2.0,
                    rw - 2.0 * PAD,
                    &items.map(|t| (t, false)),
                )?;
                let sig = [label(
                    "Signature of Authorised Signatory of the Importing Party",
                )];
                let lines = wrap_all(self.m, &sig, TITLE_SIZE, rw - 2.0 * PAD)?;
                let h = lines.len() as f32 * TITLE_SIZE * LINE;
                ops.push(Op::Line {
                    x1: rx + 40.0,
                    y1: oy + oh - PAD - h - 2.0,
                    x2: X1 - 40.0,
                    y2: oy + oh - PAD - h - 2.0,
                });
                text_lines(ops, rx + PAD, oy + oh - PAD - h, TITLE_SIZE, &lines);
            }
            OriginForm::R => {
                let items = [
                    "Preferential treatment given",
                    "Preferential treatment not given (please state reasons)",
                ];
                self.checks(
                    ops,
                    rx + PAD,
                    top + 2.0,
                    rw - 2.0 * PAD,
                    &items.map(|t| (t, false)),
                )?;
            }
        }
        Ok(())
    }

    /// Tick boxes with their labels, one under the other; returns the
    /// height used.
    fn checks(
        &self,
        ops: &mut Vec<Op>,
        x: f32,
        y: f32,
        w: f32,
        items: &[(&str, bool)],
    ) -> Result<f32, PrintError> {
        let side = 7.0;
        let mut ty = y;
        for (text, checked) in items {
            ops.push(Op::Check {
                x,
                y: ty,
                side,
                checked: *checked,
            });
            let lines = self.m.wrap("label", text, 7.0, w - side - 4.0)?;
            text_lines(ops, x + side + 4.0, ty, 7.0, &lines);
            ty += (lines.len() as f32 * 7.0 * LINE).max(side) + 4.0;
        }
        Ok(ty - y)
    }

    /// Page 1's lower block (declaration, certification, and E's box 13 or
    /// RCEP's box 14); returns the y where the goods table must end.
    fn foot(&self, page: &mut Page, job: &PrintJob) -> Result<f32, PrintError> {
        let app = self.app;
        let form = self.form();
        let ops = &mut page.ops;
        let flags = &app.flags;
        let mut bottom = BOTTOM;
        if form == OriginForm::E {
            let h = 34.0;
            bottom -= h;
            let top = self.boxed(ops, 13, X0, bottom, X1 - X0, h)?;
            let items = [
                ("Issued Retroactively", flags.issued_retroactively),
                ("Exhibition", flags.exhibition),
                ("Movement Certificate", flags.movement_certificate),
                ("Third Party Invoicing", flags.third_party_invoicing),
            ];
            let cw = (X1 - X0 - 2.0 * PAD) / 4.0;
            for (i, item) in items.iter().enumerate() {
                self.checks(ops, X0 + PAD + cw * i as f32, top, cw - 4.0, &[*item])?;
            }
        }
        let decl_top = bottom - FOOT_H;
        if form == OriginForm::R {
            let y = decl_top - REMARKS_H;
            let top = self.boxed(ops, 14, X0, y, X1 - X0, REMARKS_H)?;
            // Tick boxes in one row along the bottom, remarks above them.
            let row_y = y + REMARKS_H - PAD - 8.0;
            let items = [
                ("Back-to-back CoO", flags.movement_certificate),
                ("Third-party invoicing", flags.third_party_invoicing),
                ("Issued retroactively", flags.issued_retroactively),
            ];
            let cw = (X1 - X0 - 2.0 * PAD) / 4.0;
            for (i, item) in items.into_iter().enumerate() {
                self.checks(
                    ops,
                    X0 + PAD + cw * (i + 1) as f32,
                    row_y,
                    cw - 4.0,
                    &[item],
                )?;
            }
            if !app.remarks.is_empty() {
                let paras = [para("remarks", &app.remarks)];
                let fitted = fit(
                    self.m,
                    &paras,
                    X1 - X0 - 2.0 * PAD,
                    row_y - 2.0 - top,
                    VALUE_SIZE,
                )?;
                text_lines(ops, X0 + PAD, top, fitted.size, &fitted.lines);
            }
        }
        self.declaration(ops, job, decl_top)?;
        self.certification(ops, job, decl_top)?;
        Ok(if form == OriginForm::R {
            decl_top - REMARKS_H
        } else {
            decl_top
        })
    }

    fn declaration(&self, ops: &mut Vec<Op>, job: &PrintJob, y: f32) -> Result<(), PrintError> {
        let app = self.app;
        let form = self.form();
        let n = match form {
            OriginForm::C | OriginForm::E => 11,
            OriginForm::R => 15,
        };
        let w = LEFT_W;
        let top = self.boxed(ops, n, X0, y, w, FOOT_H)?;
        let importing = self.country(&app.importing_country);
        let text = match form {
            OriginForm::C => "The undersigned hereby declares that the above details and statements are correct, that all the goods were produced in China and that they comply with the Rules of Origin of the People's Republic of China.".to_owned(),
            OriginForm::E => format!("The undersigned hereby declares that the above details and statements are correct; that all the goods were produced in CHINA and that they comply with the origin requirements specified for these goods in the ASEAN-China Free Trade Area Preferential Tariff for the goods exported to {importing}."),
            OriginForm::R => format!("The undersigned hereby declares that the above details and statements are correct and that the goods covered in this Certificate comply with the requirements specified in the Regional Comprehensive Economic Partnership Agreement. These goods are exported to: {importing}."),
        };
        let paras = [para(
            if form == OriginForm::C {
                "label"
            } else {
                "importing_country"
            },
            text,
        )];
        let lines = wrap_all(self.m, &paras, 6.8, w - 2.0 * PAD)?;
        text_lines(ops, X0 + PAD, top, 6.8, &lines);
        let mut ty = top + lines.len() as f32 * 6.8 * LINE + 4.0;
        let place = format!("{}  {}", app.declaration_place, date(&app.declaration_date));
        let field = if app.declaration_place.is_empty() {
            "declaration_date"
        } else {
            "declaration_place"
        };
        let lines = self
            .m
            .wrap(field, place.trim(), VALUE_SIZE, w - 2.0 * PAD)?;
        text_lines(ops, X0 + PAD, ty, VALUE_SIZE, &lines);
        ty += lines.len() as f32 * VALUE_SIZE * LINE + 3.0;

        // Stamp and signature above the caption line.
        let caption = [label(
            "Place and date, signature and stamp of authorised signatory / 申报地点、日期，申领员签字及企业盖章",
        )];
        let cap = wrap_all(self.m, &caption, TITLE_SIZE, w - 2.0 * PAD)?;
        let cap_h = cap.len() as f32 * TITLE_SIZE * LINE;
        let cap_y = y + FOOT_H - PAD - cap_h;
        ops.push(Op::Line {
            x1: X0 + PAD,
            y1: cap_y - 2.0,
            x2: X0 + w - PAD,
            y2: cap_y - 2.0,
        });
        text_lines(ops, X0 + PAD, cap_y, TITLE_SIZE, &cap);
        let img_h = (cap_y - 4.0 - ty).max(10.0);
        if job.seal_png.is_some() {
            ops.push(Op::Image {
                which: ImageKind::Seal,
                x: X0 + 20.0,
                y: ty,
                w: img_h,
                h: img_h,
            });
        }
        if job.signature_png.is_some() {
            ops.push(Op::Image {
                which: ImageKind::Signature,
                x: X0 + 30.0 + img_h,
                y: ty + img_h * 0.25,
                w: w - 50.0 - img_h,
                h: img_h * 0.6,
            });
        }
        Ok(())
    }

    fn certification(&self, ops: &mut Vec<Op>, job: &PrintJob, y: f32) -> Result<(), PrintError> {
        let form = self.form();
        let n = match form {
            OriginForm::C | OriginForm::E => 12,
            OriginForm::R => 16,
        };
        let x = X0 + LEFT_W;
        let w = X1 - x;
        let top = self.boxed(ops, n, x, y, w, FOOT_H)?;
        // QR code at the right, four modules (≥ 7 pt) clear of everything.
        let qx = X1 - 8.0 - QR_SIDE;
        let qy = top + 4.0;
        ops.push(Op::Qr {
            x: qx,
            y: qy,
            side: QR_SIDE,
        });
        let tw = qx - 9.0 - (x + PAD);
        let text = "It is hereby certified, on the basis of control carried out, that the declaration by the exporter is correct.";
        let lines = self.m.wrap("label", text, 6.8, tw)?;
        text_lines(ops, x + PAD, top, 6.8, &lines);
        let mut ty = top + lines.len() as f32 * 6.8 * LINE + 5.0;
        let issued = [label("Date of issue / 签发日期")];
        let l = wrap_all(self.m, &issued, TITLE_SIZE, tw)?;
        text_lines(ops, x + PAD, ty, TITLE_SIZE, &l);
        ty += l.len() as f32 * TITLE_SIZE * LINE + 1.0;
        let d = job
            .issue_date
            .format("%b. %d, %Y")
            .to_string()
            .to_uppercase();
        let l = self.m.wrap("label", &d, VALUE_SIZE, tw)?;
        text_lines(ops, x + PAD, ty, VALUE_SIZE, &l);
        ty += l.len() as f32 * VALUE_SIZE * LINE + 4.0;
        let note = [label(
            "Self-printed certificate. Scan the QR code to verify it against the issuer's public key. 自助打印证书，扫描二维码验证签发机构签名。",
        )];
        let l = wrap_all(self.m, &note, TITLE_SIZE, tw)?;
        text_lines(ops, x + PAD, ty, TITLE_SIZE, &l);

        let caption = [label(
            "Place and date, signature and stamp of certifying authority / 签证机构签字、盖章",
        )];
        let cap = wrap_all(self.m, &caption, TITLE_SIZE, w - 2.0 * PAD)?;
        let cap_y = y + FOOT_H - PAD - cap.len() as f32 * TITLE_SIZE * LINE;
        text_lines(ops, x + PAD, cap_y, TITLE_SIZE, &cap);
        Ok(())
    }

    /// The goods table's column heads (box number and titles), at `y`.
    fn column_heads(&self, page: &mut Page, y: f32) -> Result<(), PrintError> {
        let mut x = X0;
        for &(n, _, w) in columns(self.form()) {
            let t = title(self.form(), n);
            let paras = [label(format!("{}. {}", t.number, t.en)), label(t.zh)];
            let fitted = fit(
                self.m,
                &paras,
                w - 2.0 * PAD,
                COL_HEAD_H - 2.0 * PAD,
                TITLE_SIZE,
            )?;
            text_lines(&mut page.ops, x + PAD, y + PAD, fitted.size, &fitted.lines);
            x += w;
        }
        Ok(())
    }

    /// The table's outline from `top` to `bottom`, the rule under the
    /// column heads, and the column rules down to `rules_bottom` (closed by
    /// a rule there when it is above `bottom`).
    fn table_frame(&self, page: &mut Page, top: f32, bottom: f32, rules_bottom: f32) {
        page.ops.push(Op::Rect {
            x: X0,
            y: top,
            w: X1 - X0,
            h: bottom - top,
        });
        page.ops.push(Op::Line {
            x1: X0,
            y1: top + COL_HEAD_H,
            x2: X1,
            y2: top + COL_HEAD_H,
        });
        let mut x = X0;
        let cols = columns(self.form());
        for &(_, _, w) in &cols[..cols.len() - 1] {
            x += w;
            page.ops.push(Op::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: rules_bottom,
            });
        }
        if rules_bottom < bottom {
            page.ops.push(Op::Line {
                x1: X0,
                y1: rules_bottom,
                x2: X1,
                y2: rules_bottom,
            });
        }
    }

    fn continuation_head(&self, page: &mut Page, job: &PrintJob) -> Result<(), PrintError> {
        let form = match self.form() {
            OriginForm::C => "CERTIFICATE OF ORIGIN (NON-PREFERENTIAL)",
            OriginForm::E => "FORM E",
            OriginForm::R => "RCEP CERTIFICATE OF ORIGIN",
        };
        let text = format!("CONTINUATION SHEET 续页 — {form}");
        self.m.width("label", &text, 10.0)?;
        page.ops.push(Op::Text {
            x: X0,
            y: TOP + 10.0,
            size: 10.0,
            text,
        });
        let no = format!("Certificate No. 证书号 {}", job.certificate_number);
        self.m.width("label", &no, 9.0)?;
        page.ops.push(Op::Text {
            x: X0,
            y: TOP + 24.0,
            size: 9.0,
            text: no,
        });
        Ok(())
    }

    /// Every goods row, laid out in its columns.
    fn rows(&self) -> Result<Vec<Row>, PrintError> {
        let cols = columns(self.form());
        let mut rows = Vec::with_capacity(self.app.items.len());
        for (i, item) in self.app.items.iter().enumerate() {
            let mut cells = Vec::with_capacity(cols.len());
            for &(_, col, w) in cols {
                let paras = self.cell(col, i, item);
                cells.push(wrap_all(self.m, &paras, TABLE_SIZE, w - 2.0 * PAD)?);
            }
            rows.push(Row { cells });
        }
        Ok(rows)
    }

    fn cell(&self, col: Col, i: usize, item: &OriginItem) -> Vec<Para> {
        let f = |name: &str| format!("items[{i}].{name}");
        let mut out = Vec::new();
        match col {
            Col::ItemNo => out.push(para(f("item_no"), &item.item_no)),
            Col::Marks => {
                if !item.marks.is_empty() {
                    out.push(para(f("marks"), &item.marks));
                } else if i == 0 {
                    out.push(para("marks", &self.app.marks));
                }
            }
            Col::Description => {
                if !item.package_count.is_empty() {
                    out.push(para(
                        f("package_kind"),
                        format!(
                            "{} {}",
                            item.package_count,
                            self.package_kind(&item.package_kind)
                        ),
                    ));
                }
                out.push(para(f("description"), &item.description));
                if self.form() == OriginForm::E && !item.hs_code.is_empty() {
                    out.push(para(f("hs_code"), format!("HS CODE: {}", item.hs_code)));
                }
            }
            Col::Hs => out.push(para(f("hs_code"), &item.hs_code)),
            Col::Criterion => out.push(para(f("origin_criterion"), &item.origin_criterion)),
            Col::CountryOfOrigin => out.push(para(
                f("country_of_origin"),
                self.country(&item.country_of_origin),
            )),
            Col::Quantity => {
                let qty = format!("{} {}", item.quantity, self.unit(&item.unit));
                let gw = (!item.gross_weight.is_empty())
                    .then(|| para(f("gross_weight"), format!("G.W. {} KG", item.gross_weight)));
                let fob = (!item.fob_value.is_empty()).then(|| {
                    para(
                        f("fob_value"),
                        format!("FOB {} {}", item.currency, item.fob_value),
                    )
                });
                if self.form() == OriginForm::E {
                    out.extend(gw);
                    out.push(para(f("quantity"), qty));
                } else {
                    out.push(para(f("quantity"), qty));
                    out.extend(gw);
                }
                if self.form() != OriginForm::C {
                    out.extend(fob);
                }
            }
            Col::Invoices => {
                if i == 0 {
                    for (k, inv) in self.app.invoices.iter().enumerate() {
                        out.push(para(format!("invoices[{k}].number"), &inv.number));
                        out.push(para(format!("invoices[{k}].date"), date(&inv.date)));
                    }
                }
            }
        }
        out
    }

    fn place_row(&self, ops: &mut Vec<Op>, row: &Row, y: f32) {
        let mut x = X0;
        for (cell, &(_, _, w)) in row.cells.iter().zip(columns(self.form())) {
            text_lines(ops, x + PAD, y + PAD, TABLE_SIZE, cell);
            x += w;
        }
    }
}

/// `yyyyMMdd` as printed on certificates, `NOV. 05, 2026`; anything else
/// as it is.
fn date(s: &str) -> String {
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d") {
            return d.format("%b. %d, %Y").to_string().to_uppercase();
        }
    }
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::origin::box_label;

    #[test]
    fn forms_have_their_numbered_boxes() {
        for (form, n) in [
            (OriginForm::C, 12),
            (OriginForm::E, 13),
            (OriginForm::R, 16),
        ] {
            let boxes = form_boxes(form);
            assert_eq!(boxes.len(), n);
            assert!(boxes
                .iter()
                .enumerate()
                .all(|(i, b)| usize::from(b.number) == i + 1));
            let total: f32 = columns(form).iter().map(|c| c.2).sum();
            assert!((total - (X1 - X0)).abs() < 0.01, "{form:?}: {total}");
        }
    }

    #[test]
    fn table_columns_are_the_boxes_the_domain_names() {
        // The domain's box_label and this layout must agree on numbers.
        for form in [OriginForm::C, OriginForm::E, OriginForm::R] {
            for &(n, col, _) in columns(form) {
                let field = match col {
                    Col::ItemNo => "items[0].item_no",
                    Col::Marks => "items[0].marks",
                    Col::Description => "items[0].description",
                    Col::Hs => "items[0].hs_code",
                    Col::Criterion => "items[0].origin_criterion",
                    Col::CountryOfOrigin => "items[0].country_of_origin",
                    Col::Quantity => "items[0].quantity",
                    Col::Invoices => "invoices[0].number",
                };
                let en = box_label(form, field).1;
                assert!(
                    en.starts_with(&format!("Box {n} ")),
                    "{form:?} {field}: {en}"
                );
            }
        }
    }

    #[test]
    fn dates_print_in_words() {
        assert_eq!(date("20261105"), "NOV. 05, 2026");
        assert_eq!(date("2026-11-05"), "2026-11-05");
    }
}
