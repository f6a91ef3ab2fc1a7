//! The customs declaration message (报关单报文, `DecMessage`): what the Single
//! Window client imports from its exchange folder and what other filing
//! tools write. [`read`] turns a message into the domain [`Declaration`]
//! plus everything we do not model ([`Unmodelled`], kept verbatim so it is
//! written back); [`write`] turns a declaration into a message, bare or in
//! the `ImportMessage` envelope, as 暂存 (`G`) or 申报 (`C`).
//!
//! What we do not model also travels with the declaration itself, in
//! `extensions.decmessage` of the JSON interchange format: [`read`] fills
//! it, [`write`] writes it back when [`WriteOptions::unmodelled`] is empty,
//! so a draft imported from a message exports with its blocks.
//!
//! The element ↔ field table lives in `mapping.rs` and, with the
//! assumptions marked, in docs/formats/decmessage.md. [`exchange`] holds the
//! Single Window client's exchange folders, file names and answer files
//! (`DecImportResponse`, `DEC_RESULT`). No Tauri, and no I/O but creating
//! the exchange folders: the caller reads and writes the files.

use portdesk_domain::Declaration;
use serde::{Deserialize, Serialize};

mod error;
pub mod exchange;
mod mapping;
pub mod modification;
mod read;
mod text;
mod tree;
mod write;

pub use error::MessageError;
pub use mapping::NAMESPACE;
pub use read::read;
pub use write::write;

/// Largest message we read: real ones are tens of kilobytes; this bounds the
/// memory a wrong or hostile file can make us use.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;
/// Most elements (start and empty tags) one message may hold. Fifty goods
/// lines of ~40 elements and the blocks around them are a few thousand.
pub const MAX_ELEMENTS: usize = 200_000;
/// Deepest element nesting we accept. A message is about six levels deep;
/// the bound keeps a hostile file from making the tree (and dropping it)
/// recurse without end.
pub const MAX_DEPTH: usize = 64;
/// Most goods lines a message may carry: what the domain allows a declaration.
pub use portdesk_domain::MAX_LINES;

/// `DecMessage/@Version`. Both are read the same way; the writer writes
/// 4.8 unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Version {
    #[default]
    #[serde(rename = "4.8")]
    V4_8,
    #[serde(rename = "5.0")]
    V5_0,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V4_8 => "4.8",
            Version::V5_0 => "5.0",
        }
    }

    pub fn parse(s: &str) -> Option<Version> {
        match s.trim() {
            "4.8" => Some(Version::V4_8),
            "5.0" => Some(Version::V5_0),
            _ => None,
        }
    }
}

/// `DecSign/OperType`: what the Single Window client does with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OperType {
    /// Upload, 上载.
    A,
    /// Upload with transit, 上载(转关).
    B,
    /// Declare, 申报.
    C,
    /// Declare with transit, 申报(转关).
    D,
    /// E-manual upload.
    E,
    /// Save as draft, 暂存.
    #[default]
    G,
}

impl OperType {
    pub fn as_str(self) -> &'static str {
        match self {
            OperType::A => "A",
            OperType::B => "B",
            OperType::C => "C",
            OperType::D => "D",
            OperType::E => "E",
            OperType::G => "G",
        }
    }

    pub fn parse(s: &str) -> Option<OperType> {
        Some(match s.trim() {
            "A" => OperType::A,
            "B" => OperType::B,
            "C" => OperType::C,
            "D" => OperType::D,
            "E" => OperType::E,
            "G" => OperType::G,
            _ => return None,
        })
    }
}

/// What the message needs that a declaration does not hold: the filing
/// company and the people filing, from the account's settings. Read back
/// from a message so a caller can check or show them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Declarant {
    /// 录入单位代码 (`DecHead/CopCode`, also `DecSign/CopCode`), 9–10 chars.
    pub cop_code: String,
    /// 录入单位名称 (`CopName`).
    pub cop_name: String,
    /// 录入单位统一社会信用代码 (`CopCodeScc`).
    pub cop_scc: String,
    /// 录入员 (`InputerName`).
    pub inputer_name: String,
    /// 申报人 (`DeclareName`).
    pub declare_name: String,
    /// 录入员卡号 (`TypistNo`); needed when importing as a draft.
    pub typist_no: String,
    /// 操作员卡号 (`DecSign/ICCode`), 13 chars.
    pub ic_code: String,
    /// 操作员姓名 (`DecSign/OperName`).
    pub oper_name: String,
}

/// One element we do not model, kept as the XML it was written as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    /// Local name of the element that held it (`DecHead`, `DecList`,
    /// `DecMessage`, `SWImpHead`, …).
    pub parent: String,
    /// Local name of the element itself.
    pub name: String,
    /// The element verbatim, start tag to end tag.
    pub xml: String,
}

/// Everything a message held that the declaration does not: given back by
/// [`read`] and accepted by [`write`], which writes it back in place.
///
/// Serialised (empty groups left out) it is what a declaration carries in
/// `extensions.decmessage`; see [`Unmodelled::from_declaration`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Unmodelled {
    /// Children of `SWImpHead` (`CopMsgId`, `MsgType`, …); when given they
    /// replace the envelope head the writer would make.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub envelope_head: Vec<Fragment>,
    /// Children of `DecHead` we do not map (`DeclTrnRel`, `EdiId`, `SeqNo`,
    /// `EntryId`, `SpecDeclFlag`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub head: Vec<Fragment>,
    /// Per goods line (index as in `lines`): `ClassMark`, `CiqCode`, `Purpose`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Vec<Fragment>>,
    /// Per container: `GoodsContaWt`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Vec<Fragment>>,
    /// Per attached document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Vec<Fragment>>,
    /// Per edoc: `EdocFomatType`, `OpNote`, `EdocCopId`, …
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edocs: Vec<Vec<Fragment>>,
    /// Children of `DecFreeTxt` other than `VoyNo` (`DecBpNo`, `RelId`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub free_text: Vec<Fragment>,
    /// Children of `DecSign` we do not map (`HostId`, `DomainId`, `Certificate`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sign: Vec<Fragment>,
    /// Whole blocks: children of `DecMessage` we do not map
    /// (`DecRequestCerts`, `DecOtherPacks`, `DecCopLimits`, `DecCopPromises`,
    /// `TrnHead`, unknown ones), and unknown children of the list wrappers
    /// (`parent` = `DecLists`, `DecContainers`, `DecLicenseDocus`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<Fragment>,
}

impl Unmodelled {
    pub fn is_empty(&self) -> bool {
        self == &Unmodelled::default()
    }

    /// What `decl` carries in `extensions.decmessage` (empty when nothing).
    /// A value that is not an `Unmodelled` is an error naming the field.
    pub fn from_declaration(decl: &Declaration) -> Result<Unmodelled, MessageError> {
        match &decl.extensions.decmessage {
            None => Ok(Unmodelled::default()),
            Some(value) => Unmodelled::deserialize(value).map_err(|e| MessageError::Unwritable {
                field: "extensions.decmessage".into(),
                reason: format!("not the unmodelled blocks of a message: {e}"),
            }),
        }
    }

    /// The value for `extensions.decmessage`: `None` when empty.
    pub fn to_extension(&self) -> Option<serde_json::Value> {
        if self.is_empty() {
            return None;
        }
        // Strings and lists only: serialising cannot fail.
        serde_json::to_value(self).ok()
    }
}

/// A message read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadMessage {
    /// The declaration. Fields the message has no element for (`advance`)
    /// are at their defaults: take them from the draft with
    /// [`keep_draft_only_fields`]. Its `extensions.decmessage` holds
    /// `unmodelled` less what the writer writes by itself anyway (`SeqNo`
    /// empty, `DeclTrnRel` 0, `EdiId` 1, an empty `Sign`/`SignDate`, the
    /// envelope head it would make, the empty groups of lines without
    /// blocks), so a message we wrote reads back with no extensions.
    pub declaration: Declaration,
    /// Everything the message held that the declaration does not, verbatim.
    pub unmodelled: Unmodelled,
    pub declarant: Declarant,
    pub version: Version,
    /// `DecSign/OperType`; `None` when the message leaves it out or empty.
    pub oper_type: Option<OperType>,
    /// Whether the message came inside the `ImportMessage` envelope.
    pub envelope: bool,
}

/// Copies onto `read` the fields a message cannot carry, from the draft it
/// belongs to: today only `advance` (提前申报).
pub fn keep_draft_only_fields(read: &mut Declaration, draft: &Declaration) {
    read.advance = draft.advance;
}

/// How to write a message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteOptions {
    /// Wrap in `ImportMessage`/`SWImpHead`/`SWImpData` for the client's import.
    pub envelope: bool,
    /// `G` save as draft (暂存, the default) or `C` declare (申报).
    pub oper_type: OperType,
    pub version: Version,
    pub declarant: Declarant,
    /// What an earlier read kept; written back in place. When empty, the
    /// declaration's own `extensions.decmessage` is written back instead.
    pub unmodelled: Unmodelled,
}
