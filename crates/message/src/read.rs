//! Message → declaration. Lenient where other tools differ (children in any
//! order, `<X/>` or `<X></X>`, namespace prefixes, unknown elements kept),
//! strict where guessing would file the wrong thing (a second `DecHead`, an
//! `IEFlag` that is neither I nor E, a boolean that is neither 0 nor 1).

use std::collections::HashSet;

use portdesk_domain::{
    AttachedDocument, Container, Declaration, ElectronicAttachment, FilingMode, GoodsLine, IeFlag,
};

use crate::error::MessageError;
use crate::mapping::{self as m, TextField};
use crate::text::{decode, Lines};
use crate::tree::{self, Node};
use crate::{Declarant, Fragment, OperType, ReadMessage, Unmodelled, Version, MAX_LINES};

/// Reads a declaration message (bare `DecMessage` or inside the
/// `ImportMessage` envelope), in the encoding its XML declaration names.
pub fn read(bytes: &[u8]) -> Result<ReadMessage, MessageError> {
    let text = decode(bytes)?;
    let lines = Lines::new(&text);
    let root = tree::parse(&text, &lines)?;
    Reader { text: &text }.message(&root)
}

struct Reader<'t> {
    text: &'t str,
}

pub(crate) fn join(base: &str, name: &str) -> String {
    format!("{base}/{name}")
}

/// The one child named `name`, if any; a second one is an error.
pub(crate) fn single<'n>(
    parent: &'n Node,
    path: &str,
    name: &str,
) -> Result<Option<&'n Node>, MessageError> {
    let mut found = parent.children.iter().filter(|c| c.name == name);
    let first = found.next();
    if let Some(second) = found.next() {
        return Err(MessageError::Duplicate {
            element: join(path, name),
            line: second.line,
        });
    }
    Ok(first)
}

fn required<'n>(parent: &'n Node, path: &str, name: &str) -> Result<&'n Node, MessageError> {
    single(parent, path, name)?.ok_or_else(|| MessageError::Missing {
        element: join(path, name),
        line: parent.line,
    })
}

fn flag(node: &Node, path: &str) -> Result<bool, MessageError> {
    match node.text.trim() {
        "1" => Ok(true),
        "0" | "" => Ok(false),
        other => Err(MessageError::InvalidValue {
            element: join(path, &node.name),
            line: node.line,
            value: other.to_owned(),
            expected: "0 or 1",
        }),
    }
}

/// Rejects a second occurrence of an element we map (which one would win
/// is a guess); unmapped repeats are kept as they are.
pub(crate) fn first_time(
    seen: &mut HashSet<String>,
    node: &Node,
    path: &str,
) -> Result<(), MessageError> {
    if !seen.insert(node.name.clone()) {
        return Err(MessageError::Duplicate {
            element: join(path, &node.name),
            line: node.line,
        });
    }
    Ok(())
}

fn set_from<T>(table: &[TextField<T>], target: &mut T, node: &Node) -> bool {
    match table.iter().find(|f| f.element == node.name) {
        Some(f) if node.children.is_empty() => {
            (f.set)(target, node.text.clone());
            true
        }
        _ => false,
    }
}

impl Reader<'_> {
    fn fragment(&self, parent: &Node, node: &Node) -> Fragment {
        Fragment {
            parent: parent.name.clone(),
            name: node.name.clone(),
            xml: self.text[node.start..node.end].to_owned(),
        }
    }

    fn message(&self, root: &Node) -> Result<ReadMessage, MessageError> {
        let mut un = Unmodelled::default();
        let (msg, envelope, path) = match root.name.as_str() {
            "DecMessage" => (root, false, "DecMessage".to_owned()),
            "ImportMessage" => {
                let data = required(root, "ImportMessage", "SWImpData")?;
                if let Some(head) = single(root, "ImportMessage", "SWImpHead")? {
                    for c in &head.children {
                        un.envelope_head.push(self.fragment(head, c));
                    }
                }
                for c in &root.children {
                    if c.name != "SWImpData" && c.name != "SWImpHead" {
                        un.blocks.push(self.fragment(root, c));
                    }
                }
                let msg = required(data, "ImportMessage/SWImpData", "DecMessage")?;
                (msg, true, "ImportMessage/SWImpData/DecMessage".to_owned())
            }
            _ => {
                return Err(MessageError::WrongRoot {
                    element: root.name.clone(),
                    line: root.line,
                })
            }
        };
        // A message with no namespace at all is taken (some writers drop
        // it); one in another namespace is some other document.
        if let Some(ns) = &msg.namespace {
            if ns != m::NAMESPACE {
                return Err(MessageError::WrongNamespace {
                    element: path,
                    line: msg.line,
                    namespace: ns.clone(),
                    expected: m::NAMESPACE,
                });
            }
        }
        let version = match msg.attribute("Version") {
            None => {
                return Err(MessageError::Missing {
                    element: join(&path, "@Version"),
                    line: msg.line,
                })
            }
            Some(v) => Version::parse(v).ok_or_else(|| MessageError::UnsupportedVersion {
                element: join(&path, "@Version"),
                line: msg.line,
                version: v.to_owned(),
            })?,
        };

        let head_node = required(msg, &path, "DecHead")?;
        let lists = required(msg, &path, "DecLists")?;
        let sign = required(msg, &path, "DecSign")?;
        let sign_path = join(&path, "DecSign");
        let seq = single(sign, &sign_path, m::CLIENT_SEQ_NO)?
            .filter(|n| !n.text.trim().is_empty())
            .ok_or_else(|| MessageError::Missing {
                element: join(&sign_path, m::CLIENT_SEQ_NO),
                line: sign.line,
            })?;

        let mut decl = Declaration::new(seq.text.clone(), IeFlag::I);
        let mut declarant = Declarant::default();
        self.head(
            head_node,
            &join(&path, "DecHead"),
            &mut decl,
            &mut declarant,
            &mut un,
        )?;
        let ie = decl.head.ie_flag;

        let lists_path = join(&path, "DecLists");
        self.lines(lists, &lists_path, ie, &mut decl, &mut un)?;

        for (i, name) in msg.children.iter().map(|c| c.name.as_str()).enumerate() {
            let child = &msg.children[i];
            match name {
                "DecHead" | "DecLists" | "DecSign" => {}
                "DecContainers" | "DecLicenseDocus" | "DecFreeTxt" => {
                    // Rejects a second one, then handled below.
                    single(msg, &path, name)?;
                }
                "EdocRealation" => {
                    let mut edoc = ElectronicAttachment::default();
                    let extra =
                        self.item(child, &join(&path, name), m::EDOC, &mut edoc, |_, _| {
                            Ok(false)
                        })?;
                    decl.edocs.push(edoc);
                    un.edocs.push(extra);
                }
                _ => un.blocks.push(self.fragment(msg, child)),
            }
        }
        if let Some(wrapper) = single(msg, &path, "DecContainers")? {
            let wpath = join(&path, "DecContainers");
            for c in &wrapper.children {
                if c.name != "Container" {
                    un.blocks.push(self.fragment(wrapper, c));
                    continue;
                }
                let mut container = Container::default();
                let cpath = join(&wpath, "Container");
                let mut lcl = false;
                let extra = self.item(c, &cpath, m::CONTAINER, &mut container, |node, p| {
                    if node.name == m::LCL_FLAG {
                        lcl = flag(node, p)?;
                        return Ok(true);
                    }
                    Ok(false)
                })?;
                container.part_load = lcl;
                decl.containers.push(container);
                un.containers.push(extra);
            }
        }
        if let Some(wrapper) = single(msg, &path, "DecLicenseDocus")? {
            let wpath = join(&path, "DecLicenseDocus");
            for c in &wrapper.children {
                if c.name != "LicenseDocu" {
                    un.blocks.push(self.fragment(wrapper, c));
                    continue;
                }
                let mut doc = AttachedDocument::default();
                let extra = self.item(
                    c,
                    &join(&wpath, "LicenseDocu"),
                    m::DOCUMENT,
                    &mut doc,
                    |_, _| Ok(false),
                )?;
                decl.documents.push(doc);
                un.documents.push(extra);
            }
        }
        if let Some(free) = single(msg, &path, "DecFreeTxt")? {
            let fpath = join(&path, "DecFreeTxt");
            let mut seen = HashSet::new();
            for c in &free.children {
                if c.name == m::VOY_NO && c.children.is_empty() {
                    first_time(&mut seen, c, &fpath)?;
                    decl.head.voyage_no = c.text.clone();
                } else {
                    un.free_text.push(self.fragment(free, c));
                }
            }
        }

        let mut oper_type = None;
        let mut seen = HashSet::new();
        for c in &sign.children {
            let mapped = c.children.is_empty()
                && match c.name.as_str() {
                    m::CLIENT_SEQ_NO => true,
                    m::OPER_TYPE => {
                        oper_type = match c.text.trim() {
                            "" => None,
                            t => Some(OperType::parse(t).ok_or_else(|| {
                                MessageError::InvalidValue {
                                    element: join(&sign_path, m::OPER_TYPE),
                                    line: c.line,
                                    value: t.to_owned(),
                                    expected: "one of A, B, C, D, E, G",
                                }
                            })?),
                        };
                        true
                    }
                    m::IC_CODE => {
                        declarant.ic_code = c.text.clone();
                        true
                    }
                    m::OPER_NAME => {
                        declarant.oper_name = c.text.clone();
                        true
                    }
                    // Same company as DecHead/CopCode; the head's wins.
                    m::SIGN_COP_CODE => {
                        if declarant.cop_code.is_empty() {
                            declarant.cop_code = c.text.clone();
                        }
                        true
                    }
                    _ => false,
                };
            if mapped {
                first_time(&mut seen, c, &sign_path)?;
            } else {
                un.sign.push(self.fragment(sign, c));
            }
        }

        // The filing mode has no element of its own: position 3 of Type
        // says it (0/blank one-time, 5 summary, 6 complete).
        decl.filing_mode = match decl.head.document_type.chars().nth(2) {
            Some('5') => FilingMode::TwoStepSummary,
            Some('6') => FilingMode::TwoStepComplete,
            _ => FilingMode::OneStep,
        };

        decl.extensions.decmessage =
            crate::write::without_writer_defaults(&un, &decl.client_seq_no).to_extension();
        Ok(ReadMessage {
            declaration: decl,
            unmodelled: un,
            declarant,
            version,
            oper_type,
            envelope,
        })
    }

    fn head(
        &self,
        node: &Node,
        path: &str,
        decl: &mut Declaration,
        declarant: &mut Declarant,
        un: &mut Unmodelled,
    ) -> Result<(), MessageError> {
        let ie_node = required(node, path, m::IE_FLAG)?;
        decl.head.ie_flag = match ie_node.text.trim() {
            "I" => IeFlag::I,
            "E" => IeFlag::E,
            other => {
                return Err(MessageError::InvalidValue {
                    element: join(path, m::IE_FLAG),
                    line: ie_node.line,
                    value: other.to_owned(),
                    expected: "I (import) or E (export)",
                })
            }
        };
        let overseas = match decl.head.ie_flag {
            IeFlag::I => m::OVERSEAS_IMPORT,
            IeFlag::E => m::OVERSEAS_EXPORT,
        };
        // EntryType is optional in the message; absent means the domain's
        // default, not empty.
        decl.head.entry_type = String::new();
        let mut entry_type_seen = false;
        let mut seen = HashSet::new();
        for c in &node.children {
            if !c.children.is_empty() {
                un.head.push(self.fragment(node, c));
                continue;
            }
            let h = &mut decl.head;
            let name = c.name.as_str();
            let mapped = if name == m::IE_FLAG {
                true
            } else if name == m::CHK_SURETY {
                h.guarantee_release = flag(c, path)?;
                true
            } else if set_from(m::HEAD, h, c) {
                entry_type_seen |= name == "EntryType";
                true
            } else if let Some(i) = overseas.iter().position(|e| *e == name) {
                let v = c.text.clone();
                match i {
                    0 => h.overseas_aeo = v,
                    1 => h.overseas_name = v,
                    _ => h.overseas_address = v,
                }
                true
            } else if let Some(i) = m::HEAD_DECLARANT.iter().position(|e| *e == name) {
                let v = c.text.clone();
                match i {
                    0 => declarant.cop_code = v,
                    1 => declarant.cop_name = v,
                    2 => declarant.cop_scc = v,
                    3 => declarant.inputer_name = v,
                    4 => declarant.declare_name = v,
                    _ => declarant.typist_no = v,
                }
                true
            } else {
                false
            };
            if mapped {
                first_time(&mut seen, c, path)?;
            } else {
                un.head.push(self.fragment(node, c));
            }
        }
        if !entry_type_seen {
            decl.head.entry_type = portdesk_domain::Head::default().entry_type;
        }
        Ok(())
    }

    fn lines(
        &self,
        lists: &Node,
        path: &str,
        ie: IeFlag,
        decl: &mut Declaration,
        un: &mut Unmodelled,
    ) -> Result<(), MessageError> {
        let lpath = join(path, "DecList");
        let mut read: Vec<(Option<usize>, GoodsLine, Vec<Fragment>, usize)> = Vec::new();
        for c in &lists.children {
            if c.name != "DecList" {
                un.blocks.push(self.fragment(lists, c));
                continue;
            }
            if read.len() == MAX_LINES {
                return Err(MessageError::TooManyLines {
                    element: lpath,
                    line: c.line,
                    limit: MAX_LINES,
                });
            }
            let mut line = GoodsLine::default();
            let mut gno = None;
            let mut countries: [Option<String>; 2] = [None, None];
            let extra = self.item(c, &lpath, m::LINE, &mut line, |node, p| {
                if node.name == m::LIST_GNO {
                    let t = node.text.trim();
                    if !t.is_empty() {
                        gno = Some(t.parse::<usize>().map_err(|_| MessageError::InvalidValue {
                            element: join(p, m::LIST_GNO),
                            line: node.line,
                            value: t.to_owned(),
                            expected: "a line number",
                        })?);
                    }
                    return Ok(true);
                }
                if let Some(i) = m::LIST_COUNTRIES.iter().position(|e| *e == node.name) {
                    countries[i] = Some(node.text.clone());
                    return Ok(true);
                }
                Ok(false)
            })?;
            // The trap both sources record: on an export, OriginCountry
            // holds the destination and DestinationCountry the origin.
            let [first, second] = countries;
            let (origin, destination) = match ie {
                IeFlag::I => (first, second),
                IeFlag::E => (second, first),
            };
            line.origin_country = origin.unwrap_or_default();
            line.destination_country = destination.unwrap_or_default();
            read.push((gno, line, extra, c.line));
        }
        // Lines are numbered by GNo where every line has one; writers are
        // free to emit them in another order.
        if read.iter().all(|r| r.0.is_some()) {
            read.sort_by_key(|r| r.0);
            for pair in read.windows(2) {
                if pair[0].0 == pair[1].0 {
                    return Err(MessageError::Duplicate {
                        element: join(&lpath, m::LIST_GNO),
                        line: pair[1].3,
                    });
                }
            }
        }
        for (_, line, extra, _) in read {
            decl.lines.push(line);
            un.lines.push(extra);
        }
        Ok(())
    }

    /// Reads one repeated item (a line, container, document, edoc): its
    /// table fields, the item's special elements through `special` (returns
    /// whether it took the element), the rest as fragments.
    fn item<T>(
        &self,
        node: &Node,
        path: &str,
        table: &[TextField<T>],
        target: &mut T,
        mut special: impl FnMut(&Node, &str) -> Result<bool, MessageError>,
    ) -> Result<Vec<Fragment>, MessageError> {
        let mut extra = Vec::new();
        let mut seen = HashSet::new();
        for c in &node.children {
            let mapped = c.children.is_empty() && (special(c, path)? || set_from(table, target, c));
            if mapped {
                first_time(&mut seen, c, path)?;
            } else {
                extra.push(self.fragment(node, c));
            }
        }
        Ok(extra)
    }
}
