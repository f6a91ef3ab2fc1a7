//! Pre-filling a certificate-of-origin application from an export
//! declaration: the exporter, consignee, destination, goods and transport
//! are already typed there, and typing them twice is where mismatches
//! between the declaration and the certificate come from.

use super::{
    EnterpriseRecord, OriginApplication, OriginExporter, OriginForm, OriginInvoice, OriginItem,
    OriginParty, OriginTransport, NO_MARKS,
};
use crate::declaration::Declaration;

/// An application of `form` pre-filled from `d` and the exporter's record.
///
/// What it copies: exporter box from `exporter` (the record box 1 must
/// equal; country `CHN`); consignee from the overseas consignee; importing
/// country from the first line's final destination, else the arrival
/// country; transport mode, export date as departure date, conveyance and
/// voyage as vessel (`XIN DA LIAN V.026E`), departure port (else exit port)
/// as port of loading, destination port as port of discharge; marks (`N/M`
/// when none); one
/// item per goods line with the 6-digit HS of the commodity code, the goods
/// name, quantity and unit, and the line total as FOB value; the head's
/// packages and gross weight when there is exactly one line (the
/// declaration does not split them per line); on RCEP the line's origin
/// country, and the exporter as producer when the producing unit is the
/// exporter itself. One empty invoice is added as a placeholder.
///
/// What the clerk still types: `client_seq_no` (the caller assigns one,
/// e.g. with `client_seq_no_for`), the English goods descriptions ending in
/// `***` (the declaration's names are Chinese), origin criteria, invoice
/// number and date, declaration place and date. The FOB value is the line
/// total as declared: under CIF or CFR terms freight and insurance still
/// have to come off, which the precheck cannot know.
pub fn application_from_declaration(
    d: &Declaration,
    form: OriginForm,
    exporter: &EnterpriseRecord,
) -> OriginApplication {
    let h = &d.head;
    let single_line = d.lines.len() == 1;
    let vessel = match (h.conveyance_name.trim(), h.voyage_no.trim()) {
        ("", _) => String::new(),
        (name, "") => name.to_owned(),
        (name, voyage) => format!("{name} V.{voyage}"),
    };
    let first_destination = d
        .lines
        .iter()
        .map(|l| l.destination_country.trim())
        .find(|c| !c.is_empty());
    let producer = if form == OriginForm::R
        && !h.owner_scc.trim().is_empty()
        && h.owner_scc.trim() == h.trade_scc.trim()
    {
        OriginParty {
            name: exporter.name_en.clone(),
            address: exporter.address_en.clone(),
            country: "CHN".into(),
        }
    } else {
        OriginParty::default()
    };
    let port_of_loading = if h.departure_port.trim().is_empty() {
        h.entry_exit_port.clone()
    } else {
        h.departure_port.clone()
    };

    OriginApplication {
        form,
        client_seq_no: String::new(),
        source_declaration: Some(d.client_seq_no.clone()),
        exporter: OriginExporter {
            name: exporter.name_en.clone(),
            address: exporter.address_en.clone(),
            country: "CHN".into(),
            credit_code: exporter.credit_code.clone(),
        },
        consignee: OriginParty {
            name: h.overseas_name.clone(),
            address: h.overseas_address.clone(),
            country: h.trade_country.clone(),
        },
        producer,
        transport: OriginTransport {
            means: h.transport_mode.clone(),
            route: String::new(),
            departure_date: h.ie_date.clone(),
            vessel,
            port_of_loading,
            port_of_discharge: h.destination_port.clone(),
        },
        importing_country: first_destination
            .map(str::to_owned)
            .unwrap_or_else(|| h.trade_country.clone()),
        marks: if h.marks.trim().is_empty() {
            NO_MARKS.to_owned()
        } else {
            h.marks.clone()
        },
        items: d
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| OriginItem {
                item_no: (i + 1).to_string(),
                marks: String::new(),
                package_count: if single_line {
                    h.packages.clone()
                } else {
                    String::new()
                },
                package_kind: if single_line {
                    h.package_kind.clone()
                } else {
                    String::new()
                },
                description: l.name.clone(),
                hs_code: l.commodity_code.chars().take(6).collect(),
                origin_criterion: String::new(),
                quantity: l.quantity.clone(),
                unit: l.unit.clone(),
                gross_weight: if single_line {
                    h.gross_weight.clone()
                } else {
                    String::new()
                },
                fob_value: l.total_price.clone(),
                currency: l.currency.clone(),
                country_of_origin: if form == OriginForm::R {
                    l.origin_country.clone()
                } else {
                    String::new()
                },
            })
            .collect(),
        invoices: vec![OriginInvoice::default()],
        declaration_place: String::new(),
        declaration_date: String::new(),
        remarks: String::new(),
        flags: Default::default(),
    }
}
