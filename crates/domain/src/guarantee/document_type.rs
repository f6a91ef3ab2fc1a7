//! The declaration's document type (单据类型, `Type`) that a tax-payment
//! choice implies: 6 characters, positions 1-2 the business type, position
//! 3 the filing mode, positions 4-6 blank.

use super::{Assessment, Deferral, TaxPaymentChoice};
use crate::declaration::FilingMode;

/// The 6-character document type for `choice` filed in `mode`.
///
/// Positions 1-2, first match wins (the precedence is assumed; two
/// characters carry one business type, so a combination must pick one):
/// 1. deferred payment `TT`, instalments `IT`: they change when duties fall
///    due, which outranks how they are paid;
/// 2. self-assessment: `ZC` with summary tax, else `ZW` with a paperless tax
///    bill, else `Z ` (the older self-assessment combinations);
/// 3. summary tax `CL`;
/// 4. paperless tax bill `SW`;
/// 5. otherwise blank.
///
/// Position 3: `0` one-step, `5` two-step summary, `6` two-step complete.
pub fn document_type_for(choice: &TaxPaymentChoice, mode: FilingMode) -> String {
    let self_assessed = choice.assessment == Assessment::SelfAssessment;
    let business = match choice.deferral {
        Deferral::Deferred => "TT",
        Deferral::Instalment => "IT",
        Deferral::None if self_assessed && choice.summary_tax => "ZC",
        Deferral::None if self_assessed && choice.paperless_tax_bill => "ZW",
        Deferral::None if self_assessed => "Z ",
        Deferral::None if choice.summary_tax => "CL",
        Deferral::None if choice.paperless_tax_bill => "SW",
        Deferral::None => "  ",
    };
    let step = match mode {
        FilingMode::OneStep => '0',
        FilingMode::TwoStepSummary => '5',
        FilingMode::TwoStepComplete => '6',
    };
    format!("{business}{step}   ")
}
