//! The model file: a magic line, a format version, then the model in
//! postcard (compact, and decoded in milliseconds). A model written by
//! another format version is refused with a clear message, never misread.

use super::{Model, ModelError};

const MAGIC: &[u8] = b"VMESTE-ROUTING-MODEL\n";
/// Raise when the model's serialised shape changes.
pub const VERSION: u16 = 2;

pub fn write(model: &Model) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    // Serialising plain data into a Vec cannot fail.
    bytes.extend(postcard::to_stdvec(model).unwrap_or_default());
    bytes
}

pub fn read(bytes: &[u8]) -> Result<Model, ModelError> {
    let rest = bytes.strip_prefix(MAGIC).ok_or(ModelError::NotAModel)?;
    let (version, body) = rest.split_at_checked(2).ok_or(ModelError::NotAModel)?;
    let found = u16::from_le_bytes([version[0], version[1]]);
    if found != VERSION {
        return Err(ModelError::Version {
            found,
            expected: VERSION,
        });
    }
    postcard::from_bytes(body).map_err(|e| ModelError::Damaged(e.to_string()))
}
