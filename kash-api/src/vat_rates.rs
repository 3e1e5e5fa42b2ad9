//! VAT rates: `addVat.php`, `editVat.php`, `delVat.php`. (The POS has no list endpoint for
//! them; products and departments carry their rate id, and often the rate.)
//!
//! The rule the POS applies: a line's VAT comes from its product, else its department, else
//! the shop's default rate.

use rust_decimal::Decimal;

use crate::error::{KashError, Result};
use crate::ids::VatRateId;
use crate::writes::{field_set, record, require_text};

field_set! {
    /// The fields of a VAT rate.
    pub struct VatRateFields {
        /// Name, e.g. "TVA 10 %" (required to create).
        title: String = "title",
        /// Rate in percent, e.g. `10` or `5.5` (required to create).
        rate: Decimal = "rate",
        /// Accounting chapter.
        accounting_chapter: String = "accountingChapter",
        /// Legal mention printed on invoices.
        legal: String = "legal",
    }
}

fn validate(fields: &VatRateFields, create: bool) -> Result<()> {
    if create {
        require_text("VAT rate", "title", fields.title.as_ref())?;
        if fields.rate.is_none() {
            return Err(KashError::invalid("a new VAT rate needs a rate in percent"));
        }
    }
    if let Some(rate) = fields.rate
        && (rate.is_sign_negative() || rate > Decimal::ONE_HUNDRED)
    {
        return Err(KashError::invalid(format!(
            "a VAT rate is a percentage between 0 and 100, got {rate}"
        )));
    }
    Ok(())
}

record! {
    /// VAT rates as a writable record.
    record VatRateRecord { what: "VAT rate", id: VatRateId, fields: VatRateFields,
        validate: validate, add: "addVat.php", delete: "delVat.php", edit: "editVat.php" }
    aliases CreateVatRate, DeleteVatRate, UpdateVatRate;
    fn create_vat_rate, delete_vat_rate, update_vat_rate;
}
