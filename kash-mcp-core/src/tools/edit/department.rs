//! Departments (product categories): their arguments and their checks against the shop (VAT
//! rates, department groups).

use kash_api::Decimal;
use kash_api::departments::{DepartmentFields, DepartmentGroups, DepartmentRecord, Departments};
use kash_api::ids::{DepartmentGroupId, DepartmentId, VatRateId};
use kash_api::lists::ListKind;
use kash_api::products::Products;
use serde::Deserialize;
use serde_with::serde_as;

use super::{
    Change, Kind, MAX_PRICE, RecordKind, Words, change, check_ref, check_title, check_vat, flag,
    id_prop, id_value, int, num, text, text_prop, up,
};
use crate::call::Call;
use crate::error::ToolResult;
use crate::i18n::{Lang, Text};
use crate::schema::Prop;
use crate::shop::Shop;
use crate::store::BoxFuture;
use crate::{t, tr};

/// The arguments of `department_create` and `department_update`.
#[serde_as]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct DepartmentArgs {
    #[serde_as(as = "kash_api::de::Lenient")]
    department_id: Option<DepartmentId>,
    title: Option<String>,
    short_title: Option<String>,
    #[serde_as(as = "kash_api::de::Lenient")]
    vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    eat_in_vat_id: Option<VatRateId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    group_id: Option<DepartmentGroupId>,
    #[serde_as(as = "kash_api::de::Lenient")]
    price: Option<Decimal>,
    #[serde_as(as = "kash_api::de::Lenient")]
    position: Option<i64>,
    #[serde_as(as = "kash_api::de::Lenient")]
    keyboard_hidden: Option<bool>,
}

/// Departments.
pub(super) struct Department;

impl Kind for Department {
    type Id = DepartmentId;
    type Rec = DepartmentRecord;
    type List = Departments;
    type Args = DepartmentArgs;

    const RECORD: RecordKind = RecordKind::Department;
    const TOOL: &'static str = "department";
    const TOOLS: [&'static str; 3] = [
        "department_create",
        "department_update",
        "department_delete",
    ];
    const ID_ARG: &'static str = "departmentId";
    const LIST_TOOL: &'static str = "data_list_departments";
    const WORDS: Words = Words {
        en: "department",
        fr_the: "le rayon",
        fr_of: "de rayon",
    };
    // A product shows its department's VAT rate.
    const RENAMES: &'static [(&'static str, &'static str)] = &[
        ("vatID", "vatId"),
        ("eatinvatID", "eatInVatId"),
        ("deptGroupID", "groupId"),
    ];
    const STALE: &'static [&'static str] = &[Departments::SCRIPT, Products::SCRIPT];
    const REQUIRED: &'static [&'static str] = &["title"];
    const IDEMPOTENT_UPDATE: bool = true;
    const TEXTS: [(Text, Text); 3] = [
        (
            t!("Create a department", "Créer un rayon"),
            t!(
                "Create a department (product category); returns its id.",
                "Crée un rayon (catégorie d'articles) ; renvoie son identifiant."
            ),
        ),
        (
            t!("Update a department", "Modifier un rayon"),
            t!(
                "Change only the given fields of a department; reports each before and after.",
                "Modifie seulement les champs donnés d'un rayon ; rapporte chacun avant et après."
            ),
        ),
        (
            t!("Delete a department", "Supprimer un rayon"),
            t!(
                "Delete a department no product uses, once the user confirms (as for product_delete).",
                "Supprime un rayon qu'aucun article n'utilise, une fois confirmé (comme product_delete)."
            ),
        ),
    ];

    fn props(create: bool) -> Vec<(&'static str, Prop)> {
        let mut v = vec![
            ("title", text_prop(200)),
            ("shortTitle", text_prop(40)),
            (
                "vatId",
                id_prop("VAT rate id.", "Identifiant de taux de TVA."),
            ),
            (
                "eatInVatId",
                id_prop("Eat-in VAT rate id.", "Taux de TVA sur place."),
            ),
            (
                "groupId",
                id_prop("Department group id.", "Groupe de rayons."),
            ),
            (
                "price",
                Prop::number(t!("Default line price.", "Prix de ligne par défaut."))
                    .min(0)
                    .max(MAX_PRICE),
            ),
            ("position", Prop::integer(t!("", "")).min(0).max(99_999)),
            ("keyboardHidden", Prop::boolean(t!("", ""))),
        ];
        if !create {
            v.insert(0, ("departmentId", id_prop("", "")));
        }
        v
    }

    fn id(args: &DepartmentArgs) -> Option<DepartmentId> {
        args.department_id
    }

    fn item_id(item: &kash_api::departments::Department) -> DepartmentId {
        item.id
    }

    fn name(item: &kash_api::departments::Department) -> String {
        item.title
            .clone()
            .unwrap_or_else(|| format!("#{}", item.id))
    }

    fn fields<'a>(
        ctx: &'a Call<'a>,
        shop: &'a Shop,
        args: &'a DepartmentArgs,
        _before: Option<&'a kash_api::departments::Department>,
    ) -> BoxFuture<'a, ToolResult<DepartmentFields>> {
        Box::pin(fields(ctx, shop, args))
    }

    fn new_name(fields: &DepartmentFields) -> Option<String> {
        fields.title.clone()
    }

    fn requirement(lang: Lang) -> String {
        tr!(
            lang,
            "A new department needs a `title`.",
            "Un nouveau rayon demande un `title`."
        )
    }

    fn created(lang: Lang, name: &str, id: Option<u64>, _: &DepartmentFields) -> String {
        tr!(
            lang,
            "Created department {}{}.",
            "Rayon {}{} créé.",
            name,
            id.map(|i| format!(" (#{i})")).unwrap_or_default()
        )
    }

    fn updated(lang: Lang, name: &str, id: u64, changes: &str) -> String {
        tr!(
            lang,
            "Updated department {} (#{}): {}.",
            "Rayon {} (#{}) modifié : {}.",
            name,
            id,
            changes
        )
    }

    fn changes(
        b: &kash_api::departments::Department,
        a: &kash_api::departments::Department,
    ) -> Vec<Change> {
        [
            change("title", text(&b.title), text(&a.title)),
            change("shortTitle", text(&b.short_title), text(&a.short_title)),
            change("vatRate", num(b.vat_rate), num(a.vat_rate)),
            change("groupId", id_value(b.group_id), id_value(a.group_id)),
            change("price", num(b.price), num(a.price)),
            change("position", int(b.position), int(a.position)),
            change(
                "keyboardHidden",
                flag(b.keyboard_hidden),
                flag(a.keyboard_hidden),
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

async fn fields(
    ctx: &Call<'_>,
    shop: &Shop,
    args: &DepartmentArgs,
) -> ToolResult<DepartmentFields> {
    let lang = ctx.lang;
    let cache = &ctx.shared.lists;
    check_title(lang, &args.title)?;
    let (products, departments, groups) = tokio::try_join!(
        cache.list::<Products>(shop),
        cache.list::<Departments>(shop),
        cache.list::<DepartmentGroups>(shop),
    )
    .map_err(up(lang))?;
    check_vat(
        lang,
        &crate::lists_cache::vat_rates(&products, &departments),
        &[args.vat_id, args.eat_in_vat_id],
    )?;
    if let Some(g) = args.group_id {
        let what = ("department group", "de groupe de rayons");
        check_ref(lang, what, g, &groups, |x| (x.id, &x.title))?;
    }
    let mut fields = DepartmentFields::new();
    fields.title = args.title.as_ref().map(|t| t.trim().to_owned());
    fields.short_title.clone_from(&args.short_title);
    fields.vat = args.vat_id;
    fields.eat_in_vat = args.eat_in_vat_id;
    fields.group = args.group_id;
    fields.price = args.price;
    fields.position = args.position;
    fields.keyboard_hidden = args.keyboard_hidden;
    Ok(fields)
}
