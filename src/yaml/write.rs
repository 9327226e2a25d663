//! The one way rehearse writes YAML: reports, comparisons, and anything else
//! a user reads or approves as YAML goes through [`write`], so every YAML
//! output has the same emitter, the same quoting and the same layout.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `value` as one YAML document (no leading `---`), ending in a
/// newline. Serialisation errors (a map with non-string keys, say) become
/// I/O errors, because callers are writing output when they meet them.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    yaml_serde::to_writer(out, value).map_err(io::Error::other)
}
