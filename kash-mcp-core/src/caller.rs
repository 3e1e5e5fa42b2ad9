//! Who is calling, per request: the shop they work for (or why there is none), what they may
//! do, and their language. Nothing here is process-wide: a hosted server resolves a [`Caller`]
//! for every request from its principal; stdio has one caller for its whole session.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::config::Toolset;
use crate::i18n::Lang;
use crate::shop::{NoShop, Shop};

/// What a caller may do: which tool groups, and whether they may write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rights {
    /// Reads only: no tool (and no prompt) that records or changes anything.
    pub read_only: bool,
    /// The tool groups offered (`ping` always is).
    pub toolsets: BTreeSet<Toolset>,
}

impl Default for Rights {
    /// Everything.
    fn default() -> Self {
        Self {
            read_only: false,
            toolsets: Toolset::ALL.into_iter().collect(),
        }
    }
}

impl Rights {
    /// Everything.
    pub fn all() -> Self {
        Self::default()
    }

    /// Reads only, every group.
    pub fn read_only() -> Self {
        Self {
            read_only: true,
            ..Self::default()
        }
    }

    /// What both allow: a server's own limits applied to a caller's rights.
    pub fn within(&self, ceiling: &Rights) -> Rights {
        Rights {
            read_only: self.read_only || ceiling.read_only,
            toolsets: self
                .toolsets
                .intersection(&ceiling.toolsets)
                .copied()
                .collect(),
        }
    }
}

/// What a caller is told to do when the POS refuses their credentials, in both languages.
/// The front end writes it, since it knows how the caller gets credentials: stdio says which
/// settings to fix, the hosted server says to sign in again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsHint {
    en: Arc<str>,
    fr: Arc<str>,
}

impl CredentialsHint {
    /// The hint in English and in French.
    pub fn new(en: impl Into<Arc<str>>, fr: impl Into<Arc<str>>) -> Self {
        Self {
            en: en.into(),
            fr: fr.into(),
        }
    }

    /// The hint in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.fr)
    }
}

/// The caller of one request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Their shop, or why there is none (a message for them: sign in again, set SHOPID…).
    pub shop: Result<Shop, NoShop>,
    /// What they may do (narrowed further by the server's own limits).
    pub rights: Rights,
    /// Their language, when they have one (else the server's).
    pub lang: Option<Lang>,
    /// What to tell them when the POS refuses their credentials.
    pub credentials_hint: Option<CredentialsHint>,
}

impl Caller {
    /// A caller of `shop` with every right, in the server's language.
    pub fn of(shop: Shop) -> Self {
        Self {
            shop: Ok(shop),
            rights: Rights::all(),
            lang: None,
            credentials_hint: None,
        }
    }

    /// A caller without a shop, told why.
    pub fn without_shop(reason: impl Into<String>) -> Self {
        Self {
            shop: Err(NoShop(reason.into())),
            rights: Rights::all(),
            lang: None,
            credentials_hint: None,
        }
    }

    /// With these rights.
    pub fn with_rights(mut self, rights: Rights) -> Self {
        self.rights = rights;
        self
    }

    /// In this language.
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Told this when the POS refuses their credentials.
    pub fn with_credentials_hint(mut self, hint: CredentialsHint) -> Self {
        self.credentials_hint = Some(hint);
        self
    }

    /// `message`, followed by the credentials hint when `refused` and the caller has one.
    pub(crate) fn hinted(&self, lang: Lang, message: String, refused: bool) -> String {
        match (&self.credentials_hint, refused) {
            (Some(h), true) => format!("{message} {}", h.get(lang)),
            _ => message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_narrows_its_callers_rights() {
        let ceiling = Rights {
            read_only: true,
            toolsets: [Toolset::Lists, Toolset::Orders].into_iter().collect(),
        };
        let caller = Rights {
            read_only: false,
            toolsets: [Toolset::Orders, Toolset::Sales].into_iter().collect(),
        };
        let both = caller.within(&ceiling);
        assert!(both.read_only);
        assert_eq!(both.toolsets, [Toolset::Orders].into_iter().collect());
        assert_eq!(Rights::all().within(&Rights::all()), Rights::all());
    }
}
