//! A resident's photo: content sniffing, the header's dimensions, decoding
//! within limits, orientation, the EXIF position, re-encoding as JPEG.
//! bench/fuzz.sh keeps inputs small so a run decodes thousands of images.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmeste_web::photos;
use vmeste_web::upload::RawFile;

fuzz_target!(|data: &[u8]| {
    let file = RawFile {
        filename: "photo.jpg".to_owned(),
        bytes: data.to_vec(),
    };
    let _ = photos::accept(&file);
});
