//! The fourteen list endpoints share one shape: `GET /workers/<script>?format=json|csv|html`.
//! [`List<K>`] reads the JSON form as typed items; [`ListText<K>`] returns the CSV or HTML text
//! as the POS produced it.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::request::{Endpoint, EndpointSpec, Params, RawResponse, Sealed};

/// A list endpoint: its script and the type of its items.
pub trait ListKind: Send + Sync + 'static {
    /// The PHP script, e.g. `getPlus.php`.
    const SCRIPT: &'static str;
    /// What is listed, in plain words ("products").
    const WHAT: &'static str;
    /// One item.
    type Item: DeserializeOwned + Serialize + Clone + fmt::Debug + Send + Sync + 'static;
}

/// The text formats of a list besides JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextFormat {
    /// Comma-separated values.
    Csv,
    /// A ready-to-embed HTML table fragment.
    Html,
}

impl TextFormat {
    /// The `format` parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Html => "html",
        }
    }
}

/// Lists `K` as typed JSON items.
pub struct List<K>(PhantomData<fn() -> K>);

impl<K> List<K> {
    /// The request.
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<K> Default for List<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: ListKind> fmt::Debug for List<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "List({})", K::SCRIPT)
    }
}

impl<K: ListKind> Sealed for List<K> {}

impl<K: ListKind> Endpoint for List<K> {
    type Output = Vec<K::Item>;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::read(K::SCRIPT)
    }

    fn params(&self) -> Result<Params> {
        let mut p = Params::new();
        p.push("format", "json");
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        response.list()
    }
}

/// Lists `K` as CSV or HTML text, exactly as the POS wrote it.
pub struct ListText<K> {
    format: TextFormat,
    _kind: PhantomData<fn() -> K>,
}

impl<K> ListText<K> {
    /// The request for `format`.
    pub fn new(format: TextFormat) -> Self {
        Self {
            format,
            _kind: PhantomData,
        }
    }
}

impl<K: ListKind> fmt::Debug for ListText<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ListText({}, {:?})", K::SCRIPT, self.format)
    }
}

impl<K: ListKind> Sealed for ListText<K> {}

impl<K: ListKind> Endpoint for ListText<K> {
    type Output = String;

    fn spec(&self) -> EndpointSpec {
        EndpointSpec::read(K::SCRIPT)
    }

    fn params(&self) -> Result<Params> {
        let mut p = Params::new();
        p.push("format", self.format.as_str());
        Ok(p)
    }

    fn decode(&self, response: RawResponse) -> Result<Self::Output> {
        response.text()
    }
}

/// Declares a list kind with its aliases and its two `KashClient` methods.
macro_rules! list_endpoint {
    (
        $(#[$kdoc:meta])* kind $kind:ident, item $item:ty, script $script:literal, what $what:literal;
        request $req:ident, text $text:ident;
        fn $json_fn:ident, $text_fn:ident;
    ) => {
        $(#[$kdoc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $kind;

        impl $crate::lists::ListKind for $kind {
            const SCRIPT: &'static str = $script;
            const WHAT: &'static str = $what;
            type Item = $item;
        }

        #[doc = concat!("Request: list ", $what, " as JSON (`", $script, "`).")]
        pub type $req = $crate::lists::List<$kind>;
        #[doc = concat!("Request: list ", $what, " as CSV or HTML (`", $script, "`).")]
        pub type $text = $crate::lists::ListText<$kind>;

        impl $crate::KashClient {
            #[doc = concat!("`", $script, "` — lists ", $what, ".")]
            ///
            /// # Errors
            /// Transport, API and decode errors as described on [`crate::KashError`].
            pub async fn $json_fn(&self) -> $crate::Result<Vec<$item>> {
                self.send(&$req::new()).await
            }

            #[doc = concat!("`", $script, "` — lists ", $what, " as CSV or HTML text.")]
            ///
            /// # Errors
            /// Transport and API errors as described on [`crate::KashError`].
            pub async fn $text_fn(
                &self,
                format: $crate::lists::TextFormat,
            ) -> $crate::Result<String> {
                self.send(&$text::new(format)).await
            }
        }
    };
}
pub(crate) use list_endpoint;
