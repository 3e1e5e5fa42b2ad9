//! The write flow every kind of record goes through: create, update (before and after),
//! delete (once the user confirms).

use kash_api::lists::ListKind;
use kash_api::writes::{Create, Delete, FieldSet, Update};
use rmcp::model::CallToolResponse;

use super::{Kind, Status, UpdateOutput, WriteOutput, describe_changes, target, up};
use crate::call::Call;
use crate::confirm::{self, Confirmation};
use crate::error::{ToolError, ToolResult};
use crate::i18n::Lang;
use crate::store::BoxFuture;
use crate::tools::done;
use crate::tr;

type Item<K> = <<K as Kind>::List as ListKind>::Item;

/// `<kind>_create`.
pub(super) fn create<'a, K: Kind>(
    ctx: &'a Call<'a>,
) -> BoxFuture<'a, ToolResult<CallToolResponse>> {
    Box::pin(run_create::<K>(ctx))
}

/// `<kind>_update`.
pub(super) fn update<'a, K: Kind>(
    ctx: &'a Call<'a>,
) -> BoxFuture<'a, ToolResult<CallToolResponse>> {
    Box::pin(run_update::<K>(ctx))
}

/// `<kind>_delete`.
pub(super) fn delete<'a, K: Kind>(
    ctx: &'a Call<'a>,
) -> BoxFuture<'a, ToolResult<CallToolResponse>> {
    Box::pin(run_delete::<K>(ctx))
}

async fn run_create<K: Kind>(ctx: &Call<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: K::Args = crate::args::parse(lang, ctx.args())?;
    if K::id(&args).is_some() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "{}_create takes no {}; to change one use {}_update.",
            "{}_create ne prend pas de {} ; pour en modifier un, utilisez {}_update.",
            K::TOOL,
            K::ID_ARG,
            K::TOOL
        )));
    }
    let shop = ctx.shop()?;
    let fields = K::fields(ctx, &shop, &args, None).await?;
    let Some(name) = K::new_name(&fields) else {
        return Err(ToolError::Invalid(K::requirement(lang)));
    };
    let created = shop
        .client
        .send(&Create::<K::Rec>::new(fields.clone()))
        .await
        .map_err(up(lang))?;
    ctx.shared.lists.invalidate(&shop.tenant, K::STALE);
    let id = created.id.map(Into::into);
    let message = K::created(lang, &name, id, &fields);
    done(
        message.clone(),
        &WriteOutput {
            status: Status::Created,
            record: K::RECORD,
            id,
            name,
            message,
        },
    )
}

async fn run_update<K: Kind>(ctx: &Call<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let args: K::Args = crate::args::parse(lang, ctx.args())?;
    let Some(id) = K::id(&args) else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`{}` is required ({}).",
            "`{}` est obligatoire ({}).",
            K::ID_ARG,
            K::LIST_TOOL
        )));
    };
    let shop = ctx.shop()?;
    let cache = &ctx.shared.lists;
    // Fresh: the values before a change must be the POS's current ones.
    let list = cache.fresh::<K::List>(&shop).await.map_err(up(lang))?;
    let before = find::<K>(&list, id).ok_or_else(|| not_found::<K>(lang, id))?;
    let fields = K::fields(ctx, &shop, &args, Some(before)).await?;
    if fields.is_empty() {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Nothing to change: give at least one field besides {}.",
            "Rien à modifier : donnez au moins un champ en plus de {}.",
            K::ID_ARG
        )));
    }
    shop.client
        .send(&Update::<K::Rec>::new(id, fields))
        .await
        .map_err(up(lang))?;
    cache.invalidate(&shop.tenant, K::STALE);
    // The change is made: a failure to read it back is said, not turned into an error.
    let after_list = match cache.fresh::<K::List>(&shop).await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "an update was made but could not be read back");
            None
        }
    };
    let after = after_list.as_deref().and_then(|l| find::<K>(l, id));
    let changes = after.map(|a| K::changes(before, a)).unwrap_or_default();
    let name = K::name(before);
    let raw: u64 = id.into();
    let mut message = match after_list {
        Some(_) => K::updated(lang, &name, raw, &describe_changes(lang, &changes)),
        None => K::updated(
            lang,
            &name,
            raw,
            lang.pick(
                "done, but the new values could not be read back",
                "fait, mais les nouvelles valeurs n'ont pas pu être relues",
            ),
        ),
    };
    if let Some(note) = K::note(lang, &args, before, after) {
        message.push(' ');
        message.push_str(&note);
    }
    done(
        message.clone(),
        &UpdateOutput {
            status: Status::Updated,
            record: K::RECORD,
            id: raw,
            name,
            changes,
            message,
        },
    )
}

/// A delete's arguments: the id (named after the kind: `productId`…) and the agreement.
fn delete_args(
    lang: Lang,
    id_arg: &str,
    args: Option<&rmcp::model::JsonObject>,
) -> ToolResult<(u64, bool)> {
    let args = args.cloned().unwrap_or_default();
    let id = args.get(id_arg).and_then(serde_json::Value::as_u64);
    let confirm = args.get("confirm").and_then(serde_json::Value::as_bool);
    if let Some(other) = args.keys().find(|k| *k != id_arg && *k != "confirm") {
        return Err(ToolError::Invalid(tr!(
            lang,
            "Invalid arguments: unknown field `{}`, expected `{}` or `confirm`.",
            "Arguments invalides : champ `{}` inconnu, attendus : `{}` ou `confirm`.",
            other,
            id_arg
        )));
    }
    let Some(id) = id else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "`{}` is required.",
            "`{}` est obligatoire.",
            id_arg
        )));
    };
    Ok((id, confirm == Some(true)))
}

async fn run_delete<K: Kind>(ctx: &Call<'_>) -> ToolResult<CallToolResponse> {
    let lang = ctx.lang;
    let (raw, confirmed) = delete_args(lang, K::ID_ARG, ctx.args())?;
    let id: K::Id = raw.into();
    let shop = ctx.shop()?;
    let cache = &ctx.shared.lists;
    let list = cache.fresh::<K::List>(&shop).await.map_err(up(lang))?;
    let what = lang.pick(K::WORDS.en, K::WORDS.fr_the);
    let Some(name) = find::<K>(&list, id).map(K::name) else {
        return Err(ToolError::Invalid(tr!(
            lang,
            "There is no {} {} in this shop.",
            "Il n'y a pas {} {} dans cette boutique.",
            lang.pick(K::WORDS.en, K::WORDS.fr_of),
            raw
        )));
    };
    let nothing = tr!(lang, "Nothing was deleted.", "Rien n'a été supprimé.");
    let can_ask = ctx
        .rc
        .client_capabilities()
        .is_some_and(|c| c.elicitation.is_some());
    if can_ask {
        let question = tr!(
            lang,
            "Delete {} \"{}\" (#{})? This cannot be undone.",
            "Supprimer {} « {} » (#{}) ? C'est définitif.",
            what,
            name,
            raw
        );
        let digest = confirm::digest(K::WORDS.en, &target(raw));
        match confirm::ask(ctx, &shop.tenant, &digest, &question, &nothing).await? {
            Confirmation::Confirmed => {}
            Confirmation::Ask(response) => return Ok(*response),
        }
    } else if !confirmed {
        return Err(ToolError::NotConfirmed(tr!(
            lang,
            "Not deleted: deleting {} \"{}\" (#{}) needs the user's explicit agreement. Ask the user, then call again with `confirm: true`.",
            "Non supprimé : supprimer {} « {} » (#{}) demande l'accord explicite de l'utilisateur. Demandez-le, puis rappelez avec `confirm: true`.",
            what,
            name,
            raw
        )));
    }
    let result = shop.client.send(&Delete::<K::Rec>::new(id)).await;
    cache.invalidate(&shop.tenant, K::STALE);
    result.map_err(|e| {
        let message = tr!(
            lang,
            "Not deleted: {}",
            "Non supprimé : {}",
            crate::error::upstream_message(lang, &e)
        );
        ToolError::upstream_with(message, e)
    })?;
    let message = tr!(
        lang,
        "Deleted {} \"{}\" (#{}).",
        "Supprimé : {} « {} » (#{}).",
        what,
        name,
        raw
    );
    done(
        message.clone(),
        &WriteOutput {
            status: Status::Deleted,
            record: K::RECORD,
            id: Some(raw),
            name,
            message,
        },
    )
}

fn find<K: Kind>(list: &[Item<K>], id: K::Id) -> Option<&Item<K>> {
    list.iter().find(|x| K::item_id(x) == id)
}

fn not_found<K: Kind>(lang: Lang, id: K::Id) -> ToolError {
    ToolError::Invalid(tr!(
        lang,
        "There is no {} {}. Find it with {} (query).",
        "Il n'y a pas {} {}. Trouvez-le avec {} (query).",
        lang.pick(K::WORDS.en, K::WORDS.fr_of),
        id,
        K::LIST_TOOL
    ))
}
