//! What several tools share: arguments (periods, delivery methods, paging), the matching of
//! names, and sales figures. Tools never import each other; they import from here.

pub(crate) mod delivery;
pub(crate) mod figures;
pub(crate) mod names;
pub(crate) mod paging;
pub(crate) mod period;
