//! Phone photos the tests make: a page stored on its side with the EXIF orientation that
//! turns it upright (as a phone held sideways saves it), as a JPEG or converted to HEIC or AVIF
//! with Debian's libheif tools.

use std::path::Path;
use std::process::{Command, Stdio};

/// Writes the upright image `upright` as a JPEG stored a quarter turn counter-clockwise, with
/// EXIF orientation 6 ("turn clockwise to show"), at `to`.
pub fn sideways_jpeg(upright: &Path, to: &Path) {
    let img = image::open(upright).expect("the photo's image").to_rgb8();
    let stored = image::imageops::rotate270(&img);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&stored)
        .expect("encode the photo");
    // An APP1 segment right after the start marker: "Exif", then a big-endian TIFF block whose
    // one IFD entry is the orientation (tag 0x0112, a SHORT) set to 6.
    let mut app1 = vec![0xFF, 0xE1, 0x00, 0x22];
    app1.extend_from_slice(b"Exif\0\0MM\0\x2A\0\0\0\x08");
    app1.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut bytes = jpeg[..2].to_vec();
    bytes.extend_from_slice(&app1);
    bytes.extend_from_slice(&jpeg[2..]);
    std::fs::write(to, bytes).expect("write the photo");
}

/// Converts the JPEG `from` to HEIC (or, with `avif`, to AVIF) at `to` with `heif-enc`, which
/// keeps the pixels as stored and the EXIF block, as a phone photo carries them.
pub fn heif(from: &Path, to: &Path, avif: bool) {
    let mut cmd = Command::new("heif-enc");
    if avif {
        cmd.arg("-A");
    }
    let status = cmd
        .args(["-q", "70", "-o"])
        .arg(to)
        .arg(from)
        .stdout(Stdio::null())
        .status()
        .expect("heif-enc runs (scripts/install-deps.sh installs libheif-examples)");
    assert!(status.success(), "heif-enc {}: {status}", from.display());
}
