//! Residents' photos. Accepted by what their bytes are (JPEG, PNG, WebP),
//! never by their name; the image's declared size is read before decoding
//! so a decompression bomb is refused cheaply; the camera's orientation is
//! applied; the GPS position is read out (the place may come from it) and
//! then every stored copy is re-encoded as JPEG from the pixels alone, so no
//! metadata — position, camera, owner — survives. Smaller copies for lists
//! and pages are made later by a background job.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::i18n::Lang;
use crate::upload::{MAX_FILE_BYTES, RawFile};

/// The most photos one message takes.
pub const MAX_PHOTOS: usize = 5;
/// Pixels a photo may declare (40 megapixels: any phone camera).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The longest edge of the stored full copy (smaller ones: `attachments::SIZES`).
pub const FULL_EDGE: u32 = 2560;
const QUALITY: u8 = 85;

/// A photo ready to store: pixels only, as JPEG.
#[derive(Debug, Clone)]
pub struct Photo {
    pub filename: String,
    pub jpeg: Vec<u8>,
    /// Where the camera said it was, if it said.
    pub gps: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("too many photos")]
    TooMany,
    #[error("{0}: too large")]
    TooLarge(String),
    #[error("{0}: not a JPEG, PNG or WebP image")]
    NotAPhoto(String),
    #[error("{0}: HEIC")]
    Heic(String),
    #[error("{0}: too many pixels")]
    TooManyPixels(String),
    #[error("{0}: unreadable")]
    Unreadable(String),
}

impl PhotoError {
    /// What went wrong, in the person's language.
    pub fn message(&self, lang: Lang) -> String {
        let file = |id: &str, name: &str| lang.t_with(id, &[("name", name.to_owned().into())]);
        match self {
            Self::TooMany => lang.t_n(
                "photo-too-many",
                i64::try_from(MAX_PHOTOS).unwrap_or(i64::MAX),
            ),
            Self::TooLarge(name) => lang.t_with(
                "photo-too-large",
                &[
                    ("name", name.clone().into()),
                    ("mb", (MAX_FILE_BYTES / (1024 * 1024)).into()),
                ],
            ),
            Self::NotAPhoto(name) => file("photo-not-a-photo", name),
            Self::Heic(name) => file("photo-heic", name),
            Self::TooManyPixels(name) => lang.t_with(
                "photo-too-many-pixels",
                &[
                    ("name", name.clone().into()),
                    ("mp", (MAX_PIXELS / 1_000_000).into()),
                ],
            ),
            Self::Unreadable(name) => file("photo-unreadable", name),
        }
    }
}

/// Keeps checked photos (named, as JPEG) with a message: each in storage
/// under the message, recorded, with a job queued for its smaller copies.
/// Returns their ids; the message for the log when storing fails.
pub async fn store(
    state: &crate::AppState,
    message_id: i64,
    by: Option<i64>,
    jpegs: Vec<(String, Vec<u8>)>,
) -> Result<Vec<i64>, String> {
    use vmeste_db::attachments;
    if jpegs.is_empty() {
        return Ok(Vec::new());
    }
    let mut stored = Vec::with_capacity(jpegs.len());
    for (name, jpeg) in jpegs {
        let key = format!("messages/{message_id}/photo/{name}.jpg");
        let size = i64::try_from(jpeg.len()).unwrap_or(i64::MAX);
        state
            .storage()
            .put(&key, jpeg)
            .await
            .map_err(|e| e.to_string())?;
        stored.push((key, size));
    }
    let now = state.clock().now();
    let record = async {
        let mut tx = state.db().write().await?;
        let before = attachments::photos(&mut tx.conn(), message_id).await?.len();
        let mut ids = Vec::with_capacity(stored.len());
        for (n, (key, size)) in stored.iter().enumerate() {
            let filename = format!("photo-{}.jpg", before + n + 1);
            let id = attachments::insert(
                &mut tx.conn(),
                &attachments::NewAttachment {
                    message_id,
                    purpose: attachments::PHOTO,
                    storage_key: key,
                    filename: &filename,
                    content_type: "image/jpeg",
                    size: *size,
                    uploaded_by: by,
                },
                now,
            )
            .await?;
            attachments::enqueue_sizes(&mut tx.conn(), id, now).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok::<_, vmeste_db::DbError>(ids)
    };
    record.await.map_err(|e| e.to_string())
}

/// Checks and cleans the photos of one message.
pub fn accept_all(files: &[RawFile]) -> Result<Vec<Photo>, PhotoError> {
    if files.len() > MAX_PHOTOS {
        return Err(PhotoError::TooMany);
    }
    files.iter().map(accept).collect()
}

/// Checks and cleans one photo.
pub fn accept(file: &RawFile) -> Result<Photo, PhotoError> {
    let name = file.filename.clone();
    if file.bytes.len() > MAX_FILE_BYTES {
        return Err(PhotoError::TooLarge(name));
    }
    match infer::get(&file.bytes).map(|t| t.mime_type()) {
        Some("image/jpeg" | "image/png" | "image/webp") => {}
        Some("image/heif" | "image/heic") => return Err(PhotoError::Heic(name)),
        _ => return Err(PhotoError::NotAPhoto(name)),
    }
    let reader = || {
        ImageReader::new(Cursor::new(&file.bytes))
            .with_guessed_format()
            .map_err(|_| PhotoError::Unreadable(name.clone()))
    };
    // The header alone first: a bomb is refused before any pixel is decoded.
    let (width, height) = reader()?
        .into_dimensions()
        .map_err(|_| PhotoError::Unreadable(name.clone()))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels(name));
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    let mut reader = reader()?;
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| PhotoError::Unreadable(name.clone()))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut pixels =
        DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Unreadable(name.clone()))?;
    pixels.apply_orientation(orientation);
    Ok(Photo {
        gps: gps(&file.bytes),
        jpeg: jpeg(&pixels, FULL_EDGE).map_err(|_| PhotoError::Unreadable(name.clone()))?,
        filename: name,
    })
}

/// A copy no longer than `edge` on its longest side, as JPEG.
pub fn resized(jpeg_bytes: &[u8], edge: u32) -> Result<Vec<u8>, image::ImageError> {
    let pixels = image::load_from_memory_with_format(jpeg_bytes, image::ImageFormat::Jpeg)?;
    jpeg(&pixels, edge)
}

fn jpeg(pixels: &DynamicImage, edge: u32) -> Result<Vec<u8>, image::ImageError> {
    let fitted = if pixels.width() > edge || pixels.height() > edge {
        pixels.resize(edge, edge, image::imageops::FilterType::Triangle)
    } else {
        pixels.clone()
    };
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    fitted.to_rgb8().write_with_encoder(encoder)?;
    Ok(out)
}

/// The position in a photo's EXIF, as (lat, lon) in degrees.
fn gps(bytes: &[u8]) -> Option<(f64, f64)> {
    use exif::{In, Tag, Value};
    let data = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let degrees = |tag: Tag| -> Option<f64> {
        match &data.get_field(tag, In::PRIMARY)?.value {
            Value::Rational(parts) if parts.len() == 3 => {
                Some(parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0)
            }
            _ => None,
        }
    };
    let sign = |tag: Tag, negative: &str| -> f64 {
        let reference = data
            .get_field(tag, In::PRIMARY)
            .map(|f| f.display_value().to_string());
        if reference.is_some_and(|r| r.contains(negative)) {
            -1.0
        } else {
            1.0
        }
    };
    let lat = degrees(Tag::GPSLatitude)? * sign(Tag::GPSLatitudeRef, "S");
    let lon = degrees(Tag::GPSLongitude)? * sign(Tag::GPSLongitudeRef, "W");
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{PhotoError, accept, resized};
    use crate::upload::RawFile;

    fn file(name: &str, bytes: Vec<u8>) -> RawFile {
        RawFile {
            filename: name.into(),
            bytes,
        }
    }

    /// A real JPEG of `w`×`h` pixels.
    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 255) as u8, 80, 160]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        out
    }

    /// A 40×20 JPEG whose EXIF says: rotate 90° (orientation 6), taken at
    /// 56.4012 N, 42.9876 E (the demo city's centre).
    const GPS_ROTATED: &[u8] = include_bytes!("../../test-support/fixtures/gps-rotated.jpg");

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn gps_is_read_then_every_trace_of_exif_is_gone_and_orientation_applied() {
        let original = GPS_ROTATED.to_vec();
        assert!(super::gps(&original).is_some(), "the test file carries GPS");
        let photo = accept(&file("IMG_0001.jpg", original)).unwrap();
        let (lat, lon) = photo.gps.unwrap();
        assert!((lat - 56.4012).abs() < 1e-4 && (lon - 42.9876).abs() < 1e-4);
        assert_eq!(
            super::gps(&photo.jpeg),
            None,
            "no position in the stored copy"
        );
        assert!(
            exif::Reader::new()
                .read_from_container(&mut std::io::Cursor::new(&photo.jpeg))
                .is_err(),
            "no EXIF at all"
        );
        let stored = image::load_from_memory(&photo.jpeg).unwrap();
        assert_eq!(
            (stored.width(), stored.height()),
            (20, 40),
            "rotated upright"
        );
    }

    #[test]
    fn a_declared_fifty_thousand_square_png_is_refused_before_decoding() {
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(2, 2))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        // IHDR: length(4) "IHDR"(4) width(4) height(4) ... CRC over type+data.
        png[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            accept(&file("bomb.png", png)).unwrap_err(),
            PhotoError::TooManyPixels("bomb.png".into())
        );
    }

    #[test]
    fn what_is_not_a_photo_is_refused_by_its_content() {
        let text = accept(&file("photo.jpg", b"just some text, honestly".to_vec()));
        assert_eq!(text.unwrap_err(), PhotoError::NotAPhoto("photo.jpg".into()));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        let svg = accept(&file("map.svg", svg.to_vec()));
        assert_eq!(svg.unwrap_err(), PhotoError::NotAPhoto("map.svg".into()));
        let big = accept(&file(
            "big.jpg",
            vec![0xFF; crate::upload::MAX_FILE_BYTES + 1],
        ));
        assert_eq!(big.unwrap_err(), PhotoError::TooLarge("big.jpg".into()));
        let broken = accept(&file("cut.jpg", jpeg(64, 64)[..200].to_vec()));
        assert_eq!(
            broken.unwrap_err(),
            PhotoError::Unreadable("cut.jpg".into())
        );
    }

    #[test]
    fn smaller_copies_keep_the_proportions() {
        let photo = accept(&file("wide.jpg", jpeg(3000, 1500))).unwrap();
        let full = image::load_from_memory(&photo.jpeg).unwrap();
        assert_eq!((full.width(), full.height()), (2560, 1280));
        let thumb = image::load_from_memory(&resized(&photo.jpeg, 320).unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
    }
}
