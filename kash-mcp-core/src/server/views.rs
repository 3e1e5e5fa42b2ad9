//! What a caller sees: the tool list narrowed by their rights and written in their language.
//! Each distinct narrowing is built once and reused by every request that has it; `tools/list`
//! and `tools/call` read the same view, so a tool a caller cannot see cannot be called.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rmcp::model::Tool;

use crate::caller::Rights;
use crate::i18n::Lang;
use crate::tools::Spec;

/// The tools one kind of caller sees.
#[derive(Debug)]
pub(crate) struct View {
    /// The tool definitions, sorted by name.
    pub tools: Vec<Tool>,
    /// For each of them, its index among every spec.
    pub specs: Vec<usize>,
}

impl View {
    /// The spec index of a visible tool.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.tools
            .iter()
            .position(|t| t.name == name)
            .and_then(|i| self.specs.get(i).copied())
    }
}

/// Every view built so far.
#[derive(Debug, Default)]
pub(crate) struct Views {
    built: RwLock<HashMap<(Rights, Lang), Arc<View>>>,
}

impl Views {
    /// The view of callers with `rights` in `lang` (built the first time it is asked for).
    pub fn get(&self, specs: &[Spec], rights: &Rights, lang: Lang) -> Arc<View> {
        let key = (rights.clone(), lang);
        if let Ok(map) = self.built.read()
            && let Some(v) = map.get(&key)
        {
            return v.clone();
        }
        let view = Arc::new(build(specs, rights, lang));
        if let Ok(mut map) = self.built.write() {
            map.entry(key).or_insert_with(|| view.clone()).clone()
        } else {
            view
        }
    }

    /// How many distinct views exist (tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.built.read().map(|m| m.len()).unwrap_or(0)
    }
}

/// Whether callers with `rights` see `spec`.
pub(crate) fn visible(spec: &Spec, rights: &Rights) -> bool {
    spec.toolset.is_none_or(|t| rights.toolsets.contains(&t))
        && !(rights.read_only && spec.writes())
}

fn build(specs: &[Spec], rights: &Rights, lang: Lang) -> View {
    let mut shown: Vec<(usize, &Spec)> = specs
        .iter()
        .enumerate()
        .filter(|(_, s)| visible(s, rights))
        .collect();
    shown.sort_by_key(|(_, s)| s.name);
    View {
        tools: shown.iter().map(|(_, s)| s.tool(lang)).collect(),
        specs: shown.iter().map(|(i, _)| *i).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_narrowing_is_built_once() {
        let specs = crate::tools::all_specs();
        let views = Views::default();
        let a = views.get(&specs, &Rights::all(), Lang::En);
        let b = views.get(&specs, &Rights::all(), Lang::En);
        assert!(Arc::ptr_eq(&a, &b));
        let ro = views.get(&specs, &Rights::read_only(), Lang::En);
        let fr = views.get(&specs, &Rights::all(), Lang::Fr);
        assert_eq!(views.len(), 3);
        assert!(ro.tools.len() < a.tools.len());
        assert_eq!(fr.tools.len(), a.tools.len());
        assert!(ro.find("sale_create").is_none() && a.find("sale_create").is_some());
    }
}
