//! Departments ("rayons": product categories with a default VAT rate) and their groups:
//! `getDepartments.php`, `getDepartmentsGroups.php`, and the `*Dept.php` / `*GrpDept.php`
//! writes.

use rust_decimal::Decimal;

use crate::de::LenientList;
use crate::error::{KashError, Result};
use crate::ids::{DepartmentGroupId, DepartmentId, DiscountId, VariationId, VatRateId};
use crate::lists::list_endpoint;
use crate::wire::wire_record;
use crate::writes::{field_set, non_negative, record, require_text};

wire_record! {
    /// A department, as listed by `getDepartments.php`.
    pub struct Department {
        /// Department id; the `departmentId` of a department sale line.
        #[serde(alias = "idRayon", alias = "idDepartement", alias = "deptID", alias = "ID")]
        id: DepartmentId,
        /// Name.
        title: Option<String> = ["titre", "libelle", "nom"],
        /// Short name.
        short_title: Option<String> = ["titreCourt"],
        /// Default price of a free line in this department.
        price: Option<Decimal> = ["prix"],
        /// VAT rate id applied to its products unless they have their own.
        vat_id: Option<VatRateId> = ["idTva", "vatID"],
        /// That VAT rate in percent, when the list carries it.
        vat_rate: Option<Decimal> = ["tauxTva", "tva"],
        /// VAT rate id for eat-in sales.
        eat_in_vat_id: Option<VatRateId> = ["idTvaSurPlace", "eatinvatID"],
        /// The group it belongs to.
        group_id: Option<DepartmentGroupId> = ["idGroupe", "deptGroupID", "idGroupeRayon"],
        /// Stock (departments used as a bulk article).
        stock: Option<Decimal> = [],
        /// Variations offered on free lines of this department.
        variation_ids: Vec<VariationId> as "LenientList" = ["declinaisons", "variations"],
        /// Display order.
        position: Option<i64> = [],
        /// Hidden from the register keyboard.
        keyboard_hidden: Option<bool> = ["masqueCaisse", "keyboardHide"],
    }
}

list_endpoint! {
    /// `getDepartments.php`: the departments.
    kind Departments, item Department, script "getDepartments.php", what "departments";
    request ListDepartments, text ListDepartmentsText;
    fn list_departments, list_departments_text;
}

wire_record! {
    /// A group of departments, as listed by `getDepartmentsGroups.php`.
    pub struct DepartmentGroup {
        /// Group id.
        #[serde(alias = "idGroupe", alias = "ID")]
        id: DepartmentGroupId,
        /// Name.
        title: Option<String> = ["titre", "libelle", "nom"],
        /// Display order.
        position: Option<i64> = [],
        /// Accounting chapter.
        accounting_chapter: Option<String> = ["chapitreComptable"],
    }
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
