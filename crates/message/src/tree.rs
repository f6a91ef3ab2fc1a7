//! The message as a small element tree: names, text, children and where each
//! element starts and ends in the decoded text (for lines in errors and for
//! keeping unmodelled elements verbatim). A message is at most a few
//! thousand elements, and the limits below bound what a hostile file can
//! make us hold.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::error::MessageError;
use crate::text::Lines;
use crate::{MAX_DEPTH, MAX_ELEMENTS};

pub(crate) struct Node {
    /// Local name (namespace prefixes dropped: writers differ in them).
    pub name: String,
    /// The namespace the element resolved to, if any.
    pub namespace: Option<String>,
    pub attributes: Vec<(String, String)>,
    /// Text and CDATA content, unescaped, line ends normalised as XML says.
    pub text: String,
    pub children: Vec<Node>,
    /// Byte range of the whole element in the decoded text.
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

impl Node {
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn path_of(stack: &[Node], name: &str) -> String {
    let mut parts: Vec<&str> = stack.iter().map(|n| n.name.as_str()).collect();
    if !name.is_empty() {
        parts.push(name);
    }
    parts.join("/")
}

/// Parses `text` into its root element.
pub(crate) fn parse(text: &str, lines: &Lines) -> Result<Node, MessageError> {
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let malformed = |stack: &[Node], at: usize, reason: String| MessageError::Malformed {
            element: if stack.is_empty() {
                "(document)".to_owned()
            } else {
                path_of(stack, "")
            },
            line: lines.line(at),
            reason,
        };
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, ev)) => {
                let ns = match ns {
                    ResolveResult::Bound(n) => Some(n.as_ref().to_owned()),
                    _ => None,
                };
                (ns, ev)
            }
            Err(e) => {
                let at = reader.error_position() as usize;
                return Err(malformed(&stack, at, e.to_string()));
            }
        };
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name().as_ref().to_owned();
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(MessageError::TooManyElements {
                        element: path_of(&stack, &name),
                        line: lines.line(before),
                        limit: MAX_ELEMENTS,
                    });
                }
                if stack.len() == MAX_DEPTH {
                    return Err(MessageError::TooDeep {
                        element: path_of(&stack, &name),
                        line: lines.line(before),
                        limit: MAX_DEPTH,
                    });
                }
                if root.is_some() && stack.is_empty() {
                    return Err(malformed(
                        &stack,
                        before,
                        format!("a second root element <{name}>"),
                    ));
                }
                let mut attributes = Vec::new();
                for attr in e.attributes() {
                    let attr = attr.map_err(|err| malformed(&stack, before, err.to_string()))?;
                    let key = attr.key.local_name().as_ref().to_owned();
                    if attr.key.as_ref().starts_with("xmlns") {
                        continue;
                    }
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| malformed(&stack, before, err.to_string()))?
                        .into_owned();
                    attributes.push((key, value));
                }
                let node = Node {
                    name,
                    namespace: ns,
                    attributes,
                    text: String::new(),
                    children: Vec::new(),
                    start: before,
                    end: after,
                    line: lines.line(before),
                };
                if matches!(event, Event::Start(_)) {
                    stack.push(node);
                } else {
                    close(node, &mut stack, &mut root);
                }
            }
            Event::End(_) => {
                // check_end_names has matched the name already.
                if let Some(mut node) = stack.pop() {
                    node.end = after;
                    close(node, &mut stack, &mut root);
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content();
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&s),
                    None if s.trim().is_empty() => {}
                    None => {
                        return Err(malformed(
                            &stack,
                            before,
                            "text outside the root element".into(),
                        ))
                    }
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            return Err(malformed(
                                &stack,
                                before,
                                format!("unknown entity &{};", &*r),
                            ))
                        }
                    },
                    Err(e) => return Err(malformed(&stack, before, e.to_string())),
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::Eof => {
                if !stack.is_empty() {
                    let open = stack.last().map(|n| n.name.clone()).unwrap_or_default();
                    return Err(malformed(
                        &stack,
                        text.len(),
                        format!("the file ends before </{open}>"),
                    ));
                }
                return root.ok_or_else(|| MessageError::Malformed {
                    element: "(document)".into(),
                    line: lines.line(text.len()),
                    reason: "no root element".into(),
                });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}

fn close(node: Node, stack: &mut [Node], root: &mut Option<Node>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}
