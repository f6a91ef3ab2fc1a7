//! Declaration → message: UTF-8, two-space indented, every mapped element
//! written (empty ones as `<X/>`), then what an earlier read kept (given in
//! the options, else the declaration's `extensions.decmessage`), in the
//! block it came from. The writer refuses what the reader would refuse, so
//! everything it writes reads back.

use std::collections::HashSet;

use portdesk_domain::{Declaration, IeFlag};

use crate::error::MessageError;
use crate::mapping::{self as m, TextField};
use crate::text::Lines;
use crate::tree;
use crate::{Fragment, Unmodelled, WriteOptions, MAX_LINES};

/// Writes `decl` as a declaration message.
pub fn write(decl: &Declaration, opts: &WriteOptions) -> Result<Vec<u8>, MessageError> {
    if decl.client_seq_no.trim().is_empty() {
        return Err(MessageError::Unwritable {
            field: "client_seq_no".into(),
            reason: "empty; a message needs DecSign/ClientSeqNo".into(),
        });
    }
    if decl.lines.len() > MAX_LINES {
        return Err(MessageError::Unwritable {
            field: "lines".into(),
            reason: format!("{} goods lines, at most {MAX_LINES}", decl.lines.len()),
        });
    }
    let from_draft;
    let un = if opts.unmodelled.is_empty() {
        from_draft = Unmodelled::from_declaration(decl)?;
        &from_draft
    } else {
        &opts.unmodelled
    };
    check_fragments(un)?;
    let mut w = Out::default();
    w.s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if opts.envelope {
        w.open("ImportMessage");
        w.open("SWImpHead");
        if un.envelope_head.is_empty() {
            w.leaf("CopMsgId", &decl.client_seq_no, "client_seq_no")?;
            for (name, value) in m::ENVELOPE_HEAD {
                w.leaf(name, value, name)?;
            }
        } else {
            w.fragments(&un.envelope_head);
        }
        w.close("SWImpHead");
        w.open("SWImpData");
    }
    w.line(&format!(
        "<DecMessage xmlns=\"{}\" Version=\"{}\">",
        m::NAMESPACE,
        opts.version.as_str()
    ));
    w.depth += 1;
    head(&mut w, decl, opts, un)?;

    w.open("DecLists");
    for (i, line) in decl.lines.iter().enumerate() {
        w.open("DecList");
        w.leaf(m::LIST_GNO, &(i + 1).to_string(), "lines[].GNo")?;
        table(&mut w, m::LINE, line)?;
        // On an export the message's OriginCountry carries the destination
        // and DestinationCountry the origin (see read.rs).
        let (first, second) = match decl.head.ie_flag {
            IeFlag::I => (&line.origin_country, &line.destination_country),
            IeFlag::E => (&line.destination_country, &line.origin_country),
        };
        w.leaf(m::LIST_COUNTRIES[0], first, "lines[].origin_country")?;
        w.leaf(m::LIST_COUNTRIES[1], second, "lines[].destination_country")?;
        let mut names: Vec<&str> = m::LINE.iter().map(|f| f.element).collect();
        names.extend([m::LIST_GNO, m::LIST_COUNTRIES[0], m::LIST_COUNTRIES[1]]);
        w.extra(un.lines.get(i), &names);
        w.close("DecList");
    }
    w.blocks(&un.blocks, "DecLists");
    w.close("DecLists");

    w.open("DecContainers");
    for (i, c) in decl.containers.iter().enumerate() {
        w.open("Container");
        table(&mut w, m::CONTAINER, c)?;
        w.leaf(m::LCL_FLAG, bit(c.part_load), "containers[].part_load")?;
        let mut names: Vec<&str> = m::CONTAINER.iter().map(|f| f.element).collect();
        names.push(m::LCL_FLAG);
        w.extra(un.containers.get(i), &names);
        w.close("Container");
    }
    w.blocks(&un.blocks, "DecContainers");
    w.close("DecContainers");

    w.open("DecLicenseDocus");
    for (i, d) in decl.documents.iter().enumerate() {
        w.open("LicenseDocu");
        table(&mut w, m::DOCUMENT, d)?;
        let names: Vec<&str> = m::DOCUMENT.iter().map(|f| f.element).collect();
        w.extra(un.documents.get(i), &names);
        w.close("LicenseDocu");
    }
    w.blocks(&un.blocks, "DecLicenseDocus");
    w.close("DecLicenseDocus");

    w.blocks(&un.blocks, "DecMessage");

    w.open("DecFreeTxt");
    w.leaf(m::VOY_NO, &decl.head.voyage_no, "head.voyage_no")?;
    w.extra(Some(&un.free_text), &[m::VOY_NO]);
    w.close("DecFreeTxt");

    w.open("DecSign");
    let d = &opts.declarant;
    w.leaf(m::OPER_TYPE, opts.oper_type.as_str(), "oper_type")?;
    w.leaf(m::IC_CODE, &d.ic_code, "declarant.ic_code")?;
    w.leaf(m::SIGN_COP_CODE, &d.cop_code, "declarant.cop_code")?;
    w.leaf(m::OPER_NAME, &d.oper_name, "declarant.oper_name")?;
    w.leaf(m::CLIENT_SEQ_NO, &decl.client_seq_no, "client_seq_no")?;
    let given: HashSet<&str> = un.sign.iter().map(|f| f.name.as_str()).collect();
    for name in m::SIGN_EMPTY {
        if !given.contains(name) {
            w.leaf(name, "", name)?;
        }
    }
    w.extra(
        Some(&un.sign),
        &[
            m::OPER_TYPE,
            m::IC_CODE,
            m::SIGN_COP_CODE,
            m::OPER_NAME,
            m::CLIENT_SEQ_NO,
        ],
    );
    w.close("DecSign");

    for (i, e) in decl.edocs.iter().enumerate() {
        w.open("EdocRealation");
        table(&mut w, m::EDOC, e)?;
        let names: Vec<&str> = m::EDOC.iter().map(|f| f.element).collect();
        w.extra(un.edocs.get(i), &names);
        w.close("EdocRealation");
    }

    w.close("DecMessage");
    if opts.envelope {
        w.close("SWImpData");
        w.blocks(&un.blocks, "ImportMessage");
        w.close("ImportMessage");
    }
    Ok(w.s.into_bytes())
}

fn head(
    w: &mut Out,
    decl: &Declaration,
    opts: &WriteOptions,
    un: &Unmodelled,
) -> Result<(), MessageError> {
    let h = &decl.head;
    w.open("DecHead");
    let ie = match h.ie_flag {
        IeFlag::I => "I",
        IeFlag::E => "E",
    };
    w.leaf(m::IE_FLAG, ie, "head.ie_flag")?;
    table(w, m::HEAD, h)?;
    w.leaf(
        m::CHK_SURETY,
        bit(h.guarantee_release),
        "head.guarantee_release",
    )?;
    let overseas = match h.ie_flag {
        IeFlag::I => m::OVERSEAS_IMPORT,
        IeFlag::E => m::OVERSEAS_EXPORT,
    };
    w.leaf(overseas[0], &h.overseas_aeo, "head.overseas_aeo")?;
    w.leaf(overseas[1], &h.overseas_name, "head.overseas_name")?;
    w.leaf(overseas[2], &h.overseas_address, "head.overseas_address")?;
    let d = &opts.declarant;
    let values = [
        &d.cop_code,
        &d.cop_name,
        &d.cop_scc,
        &d.inputer_name,
        &d.declare_name,
        &d.typist_no,
    ];
    for (name, value) in m::HEAD_DECLARANT.iter().zip(values) {
        w.leaf(name, value, name)?;
    }
    let given: HashSet<&str> = un.head.iter().map(|f| f.name.as_str()).collect();
    for (name, value) in m::HEAD_DEFAULTS {
        if !given.contains(name) {
            w.leaf(name, value, name)?;
        }
    }
    let mut names: Vec<&str> = m::HEAD.iter().map(|f| f.element).collect();
    names.extend([m::IE_FLAG, m::CHK_SURETY]);
    names.extend(overseas);
    names.extend(m::HEAD_DECLARANT);
    w.extra(Some(&un.head), &names);
    w.close("DecHead");
    Ok(())
}

fn table<T>(w: &mut Out, table: &[TextField<T>], value: &T) -> Result<(), MessageError> {
    for f in table {
        w.leaf(f.element, (f.get)(value), f.field)?;
    }
    Ok(())
}

fn bit(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// Every fragment must be one well-formed element of the name it claims,
/// or the message written would not read back.
fn check_fragments(un: &Unmodelled) -> Result<(), MessageError> {
    let groups: [(&str, &[Fragment]); 4] = [
        ("unmodelled.envelope_head", &un.envelope_head),
        ("unmodelled.head", &un.head),
        ("unmodelled.free_text", &un.free_text),
        ("unmodelled.sign", &un.sign),
    ];
    let mut all: Vec<(String, &Fragment)> = Vec::new();
    for (field, frags) in groups {
        all.extend(
            frags
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("{field}[{i}]"), f)),
        );
    }
    all.extend(
        un.blocks
            .iter()
            .enumerate()
            .map(|(i, f)| (format!("unmodelled.blocks[{i}]"), f)),
    );
    for (field, items) in [
        ("unmodelled.lines", &un.lines),
        ("unmodelled.containers", &un.containers),
        ("unmodelled.documents", &un.documents),
        ("unmodelled.edocs", &un.edocs),
    ] {
        for (i, frags) in items.iter().enumerate() {
            all.extend(
                frags
                    .iter()
                    .enumerate()
                    .map(|(j, f)| (format!("{field}[{i}][{j}]"), f)),
            );
        }
    }
    for (field, f) in all {
        check_fragment(field, f)?;
    }
    Ok(())
}

/// `un` less what [`write`] writes by itself where it is absent: the head
/// defaults, an empty `Sign`/`SignDate`, the envelope head it makes for
/// `client_seq_no`, and the empty groups after the last item with blocks.
/// Writing the result writes the same message; it is what a declaration
/// keeps in `extensions.decmessage`.
pub(crate) fn without_writer_defaults(un: &Unmodelled, client_seq_no: &str) -> Unmodelled {
    let is_leaf = |f: &Fragment, name: &str, value: &str| {
        f.name == name
            && (leaf_xml(name, value).as_deref() == Some(f.xml.as_str())
                || (value.is_empty() && f.xml == format!("<{name}></{name}>")))
    };
    let mut out = un.clone();
    out.head
        .retain(|f| !m::HEAD_DEFAULTS.iter().any(|(n, v)| is_leaf(f, n, v)));
    out.sign
        .retain(|f| !m::SIGN_EMPTY.iter().any(|n| is_leaf(f, n, "")));
    let made: Vec<(&str, &str)> = std::iter::once(("CopMsgId", client_seq_no))
        .chain(m::ENVELOPE_HEAD)
        .collect();
    if out.envelope_head.len() == made.len()
        && out
            .envelope_head
            .iter()
            .zip(&made)
            .all(|(f, (n, v))| is_leaf(f, n, v))
    {
        out.envelope_head.clear();
    }
    for groups in [
        &mut out.lines,
        &mut out.containers,
        &mut out.documents,
        &mut out.edocs,
    ] {
        while groups.last().is_some_and(Vec::is_empty) {
            groups.pop();
        }
    }
    out
}

/// The element `<name>value</name>` as [`Out::leaf`] writes it; `None`
/// when `value` cannot be written.
fn leaf_xml(name: &str, value: &str) -> Option<String> {
    if value.is_empty() {
        return Some(format!("<{name}/>"));
    }
    let text = escape(value, name).ok()?;
    Some(format!("<{name}>{text}</{name}>"))
}

/// One fragment must be one well-formed element of the name it claims
/// (`field` names it in the error).
pub(crate) fn check_fragment(field: String, f: &Fragment) -> Result<(), MessageError> {
    let root = tree::parse(&f.xml, &Lines::new(&f.xml)).map_err(|e| MessageError::Unwritable {
        field: field.clone(),
        reason: format!("not well-formed XML: {e}"),
    })?;
    if root.name != f.name {
        return Err(MessageError::Unwritable {
            field,
            reason: format!("holds <{}>, not <{}>", root.name, f.name),
        });
    }
    Ok(())
}

/// The indented text the writers build (this module's and modification.rs).
#[derive(Default)]
pub(crate) struct Out {
    pub(crate) s: String,
    pub(crate) depth: usize,
}

impl Out {
    pub(crate) fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.s.push_str("  ");
        }
        self.s.push_str(text);
        self.s.push('\n');
    }

    pub(crate) fn open(&mut self, name: &str) {
        self.line(&format!("<{name}>"));
        self.depth += 1;
    }

    pub(crate) fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.line(&format!("</{name}>"));
    }

    pub(crate) fn leaf(
        &mut self,
        name: &str,
        value: &str,
        field: &str,
    ) -> Result<(), MessageError> {
        if value.is_empty() {
            self.line(&format!("<{name}/>"));
        } else {
            let text = escape(value, field)?;
            self.line(&format!("<{name}>{text}</{name}>"));
        }
        Ok(())
    }

    pub(crate) fn fragments(&mut self, frags: &[Fragment]) {
        for f in frags {
            self.line(&f.xml);
        }
    }

    /// The unmodelled children of one element, less any that name an
    /// element the declaration writes (the declaration wins).
    fn extra(&mut self, frags: Option<&Vec<Fragment>>, written: &[&str]) {
        for f in frags.into_iter().flatten() {
            if !written.contains(&f.name.as_str()) {
                self.line(&f.xml);
            }
        }
    }

    fn blocks(&mut self, blocks: &[Fragment], parent: &str) {
        for f in blocks.iter().filter(|f| f.parent == parent) {
            self.line(&f.xml);
        }
    }
}

/// XML-escapes `value`; `\r` as a character reference so it survives the
/// reader's line-end normalisation. Characters XML 1.0 cannot carry at all
/// are refused, naming the field.
pub(crate) fn escape(value: &str, field: &str) -> Result<String, MessageError> {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return Err(MessageError::Unwritable {
                    field: field.to_owned(),
                    reason: format!("character U+{:04X} cannot be written in XML", c as u32),
                })
            }
            c => out.push(c),
        }
    }
    Ok(out)
}
