//! Departments ("rayons": product categories with a default VAT rate) and their groups:
//! `getDepartments.php`, `getDepartmentsGroups.php`, and the `*Dept.php` / `*GrpDept.php`
//! writes.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_with::serde_as;

use crate::de::{Lenient, LenientList};
use crate::error::{KashError, Result};
use crate::ids::{DepartmentGroupId, DepartmentId, DiscountId, VariationId, VatRateId};
use crate::lists::list_endpoint;
use crate::writes::{field_set, non_negative, record, require_text};

/// A department, as listed by `getDepartments.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Department {
    /// Department id; the `departmentId` of a department sale line.
    #[serde(
        alias = "idRayon",
        alias = "idDepartement",
        alias = "deptID",
        alias = "ID"
    )]
    pub id: DepartmentId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "libelle", alias = "nom")]
    pub title: Option<String>,
    /// Short name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titreCourt")]
    pub short_title: Option<String>,
    /// Default price of a free line in this department.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "prix")]
    pub price: Option<Decimal>,
    /// VAT rate id applied to its products unless they have their own.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "idTva", alias = "vatID")]
    pub vat_id: Option<VatRateId>,
    /// That VAT rate in percent, when the list carries it.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "tauxTva", alias = "tva")]
    pub vat_rate: Option<Decimal>,
    /// VAT rate id for eat-in sales.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "idTvaSurPlace", alias = "eatinvatID")]
    pub eat_in_vat_id: Option<VatRateId>,
    /// The group it belongs to.
    #[serde_as(as = "Lenient")]
    #[serde(
        default,
        alias = "idGroupe",
        alias = "deptGroupID",
        alias = "idGroupeRayon"
    )]
    pub group_id: Option<DepartmentGroupId>,
    /// Stock (departments used as a bulk article).
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub stock: Option<Decimal>,
    /// Variations offered on free lines of this department.
    #[serde_as(as = "LenientList")]
    #[serde(default, alias = "declinaisons", alias = "variations")]
    pub variation_ids: Vec<VariationId>,
    /// Display order.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub position: Option<i64>,
    /// Hidden from the register keyboard.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "masqueCaisse", alias = "keyboardHide")]
    pub keyboard_hidden: Option<bool>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getDepartments.php`: the departments.
    kind Departments, item Department, script "getDepartments.php", what "departments";
    request ListDepartments, text ListDepartmentsText;
    fn list_departments, list_departments_text;
}

/// A group of departments, as listed by `getDepartmentsGroups.php`.
#[serde_with::skip_serializing_none]
#[serde_as]
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DepartmentGroup {
    /// Group id.
    #[serde(alias = "idGroupe", alias = "ID")]
    pub id: DepartmentGroupId,
    /// Name.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "titre", alias = "libelle", alias = "nom")]
    pub title: Option<String>,
    /// Display order.
    #[serde_as(as = "Lenient")]
    #[serde(default)]
    pub position: Option<i64>,
    /// Accounting chapter.
    #[serde_as(as = "Lenient")]
    #[serde(default, alias = "chapitreComptable")]
    pub accounting_chapter: Option<String>,
    /// Every other field the POS sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

list_endpoint! {
    /// `getDepartmentsGroups.php`: the department groups. (The public documentation spells
    /// it `getDepartmentGroups.php`; the old server used this name in production.)
    kind DepartmentGroups, item DepartmentGroup, script "getDepartmentsGroups.php", what "department groups";
    request ListDepartmentGroups, text ListDepartmentGroupsText;
    fn list_department_groups, list_department_groups_text;
}

field_set! {
    /// The fields of a department, for `addDept.php` and `editDept.php`.
    pub struct DepartmentFields {
        /// Name (required to create).
        title: String = "title",
        /// Short name.
        short_title: String = "shortTitle",
        /// Default price of a free line.
        price: Decimal = "price",
        /// Stock.
        stock: Decimal = "stock",
        /// VAT rate.
        vat: VatRateId = "vatID",
        /// VAT rate for eat-in sales.
        eat_in_vat: VatRateId = "eatinvatID",
        /// Default discount.
        discount: DiscountId = "discountID",
        /// Group.
        group: DepartmentGroupId = "deptGroupID",
        /// Unit id.
        unit_id: i64 = "unitID",
        /// Needs kitchen preparation.
        needs_preparation: bool = "needPrepa",
        /// Hidden from the register keyboard.
        keyboard_hidden: bool = "keyboardHide",
        /// Hidden from the online shop.
        shop_hidden: bool = "shopHide",
        /// Display order.
        position: i64 = "position",
        /// Variations (up to five; replaces the current list).
        variations: Vec<VariationId> = "variationID",
        /// Accounting activity code.
        activity_code: String = "activityCode",
    }
}

fn validate_department(fields: &DepartmentFields, create: bool) -> Result<()> {
    if create {
        require_text("department", "title", fields.title.as_ref())?;
    } else if fields.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return Err(KashError::invalid("a department title cannot be empty"));
    }
    non_negative("price", fields.price.as_ref())
}

record! {
    /// Departments as a writable record.
    record DepartmentRecord { what: "department", id: DepartmentId, fields: DepartmentFields,
        validate: validate_department, add: "addDept.php", delete: "delDept.php", edit: "editDept.php" }
    aliases CreateDepartment, DeleteDepartment, UpdateDepartment;
    fn create_department, delete_department, update_department;
}

field_set! {
    /// The fields of a department group, for `addGrpDept.php` and `editGrpDept.php`.
    pub struct DepartmentGroupFields {
        /// Name (required to create).
        title: String = "title",
        /// Display order.
        position: i64 = "position",
        /// Accounting chapter.
        accounting_chapter: String = "accountingChapter",
        /// Accounting chapter complement.
        accounting_chapter_complement: String = "accountingChapterComplement",
    }
}

fn validate_group(fields: &DepartmentGroupFields, create: bool) -> Result<()> {
    if create {
        require_text("department group", "title", fields.title.as_ref())?;
    }
    Ok(())
}

record! {
    /// Department groups as a writable record.
    record DepartmentGroupRecord { what: "department group", id: DepartmentGroupId,
        fields: DepartmentGroupFields, validate: validate_group,
        add: "addGrpDept.php", delete: "delGrpDept.php", edit: "editGrpDept.php" }
    aliases CreateDepartmentGroup, DeleteDepartmentGroup, UpdateDepartmentGroup;
    fn create_department_group, delete_department_group, update_department_group;
}
