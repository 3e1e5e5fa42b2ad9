//! Variations ("déclinaisons": size, milk, colour…) and their choices: `getDeclinaisons.php`,
//! `*Variation.php`, `*VariationItem.php`.
//!
//! A product lists up to five variations; a sale line names the chosen *choice* of each (its
//! [`VariationChoiceId`]), and the choice's price delta is added to the line.

use rust_decimal::Decimal;

use crate::de::ObjectList;
use crate::error::{KashError, Result};
use crate::ids::{VariationChoiceId, VariationId};
use crate::lists::list_endpoint;
use crate::wire::wire_record;
use crate::writes::{field_set, record, require_text};

wire_record! {
    /// A variation with its choices, as listed by `getDeclinaisons.php`.
    pub struct Variation {
        /// Variation id.
        #[serde(alias = "idDeclinaison", alias = "ID")]
        id: VariationId,
        /// Name ("Taille").
        title: Option<String> = ["titre", "libelle", "nom"],
        /// The choices ("Petit", "Grand").
        choices: Vec<VariationChoice> as "ObjectList" = ["choix", "items", "valeurs"],
    }
}

wire_record! {
    /// One choice of a variation.
    pub struct VariationChoice {
        /// Choice id; what a sale line carries.
        #[serde(alias = "idChoix", alias = "idItem", alias = "ID")]
        id: VariationChoiceId,
        /// Name ("Grand").
        title: Option<String> = ["titre", "libelle", "nom"],
        /// Added to the line's unit price (may be negative).
        price_delta: Option<Decimal> = ["deltaPrix", "supplement", "deltaPrice"],
        /// Display order.
        position: Option<i64> = [],
        /// Temporarily unavailable.
        unavailable: Option<bool> = ["indisponible", "unavailable"],
    }
}

list_endpoint! {
    /// `getDeclinaisons.php`: the variations and their choices.
    kind Variations, item Variation, script "getDeclinaisons.php", what "variations";
    request ListVariations, text ListVariationsText;
    fn list_variations, list_variations_text;
}

field_set! {
    /// The fields of a variation, for `addVariation.php` and `editVariation.php`.
    pub struct VariationFields {
        /// Name (required to create).
        title: String = "title",
    }
}

fn validate_variation(fields: &VariationFields, create: bool) -> Result<()> {
    if create {
        require_text("variation", "title", fields.title.as_ref())?;
    }
    Ok(())
}

record! {
    /// Variations as a writable record.
    record VariationRecord { what: "variation", id: VariationId, fields: VariationFields,
        validate: validate_variation,
        add: "addVariation.php", delete: "delVariation.php", edit: "editVariation.php" }
    aliases CreateVariation, DeleteVariation, UpdateVariation;
    fn create_variation, delete_variation, update_variation;
}

field_set! {
    /// The fields of a variation choice, for `addVariationItem.php` and
    /// `editVariationItem.php`.
    pub struct VariationChoiceFields {
        /// The variation it belongs to (required to create).
        variation: VariationId = "idVariation",
        /// Name (required to create).
        title: String = "title",
        /// Display order.
        position: i64 = "position",
        /// Added to the unit price (may be negative).
        price_delta: Decimal = "deltaPrice",
        /// Description.
        description: String = "description",
        /// Text appended to the product title on the receipt.
        ending: String = "ending",
        /// Temporarily unavailable.
        unavailable: bool = "unavailable",
    }
}

fn validate_choice(fields: &VariationChoiceFields, create: bool) -> Result<()> {
    if create {
        if fields.variation.is_none() {
            return Err(KashError::invalid(
                "a new variation choice needs the id of its variation",
            ));
        }
        require_text("variation choice", "title", fields.title.as_ref())?;
    }
    Ok(())
}

record! {
    /// Variation choices as a writable record.
    record VariationChoiceRecord { what: "variation choice", id: VariationChoiceId,
        fields: VariationChoiceFields, validate: validate_choice,
        add: "addVariationItem.php", delete: "delVariationItem.php", edit: "editVariationItem.php" }
    aliases CreateVariationChoice, DeleteVariationChoice, UpdateVariationChoice;
    fn create_variation_choice, delete_variation_choice, update_variation_choice;
}
