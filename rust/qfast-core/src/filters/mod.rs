//! datatrove 0.10.1's text-quality filters. Each filter has a config (datatrove's parameters and
//! defaults; `None` disables a check, as a falsy value does in datatrove), a signals struct (the
//! quantities it measures) and a verdict (first failing check, in datatrove's order).

use std::borrow::Cow;

pub mod c4;
pub mod fineweb;
pub mod gopher_quality;
pub mod gopher_repetition;

/// Why a document was dropped: datatrove's reason name (`gopher_short_doc`, `top_2_gram`, ...).
pub type Reason = Cow<'static, str>;
