//! HEIC and AVIF photos (the HEIF container: iPhones save HEIC by default), decoded by the
//! system's libheif.
//!
//! The size the file declares is checked against the limits before anything is decoded. The
//! container's own rotation and mirroring are applied by libheif; an EXIF orientation is
//! applied on top only when it asks for a quarter turn that the container did not make (the
//! shown size is still the stored size), as in a file converted from a phone JPEG without
//! turning it. A half turn named only by EXIF is left to the OCR's upright check, since it
//! cannot be told from one the container already made.

use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};
use libheif_rs::{ColorSpace, HeifContext, ItemId, RgbChroma};

use crate::{Error, Limits};

/// The brands of the HEIF family this crate decodes: HEIC (HEVC) and AVIF (AV1) stills.
const BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
];

/// Whether the bytes are a HEIF file (HEIC or AVIF): an ISO `ftyp` box naming a HEIF brand.
pub fn is_heif(bytes: &[u8]) -> bool {
    if bytes.get(4..8) != Some(b"ftyp") {
        return false;
    }
    let size = bytes
        .get(0..4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .clamp(16, 256)
        .min(bytes.len());
    // The major brand, then (after the minor version) the compatible brands.
    let major = bytes.get(8..12);
    let compatible = bytes.get(16..size).unwrap_or_default().chunks_exact(4);
    major
        .into_iter()
        .chain(compatible)
        .any(|b| BRANDS.iter().any(|brand| b == &brand[..]))
}

/// Decodes the primary image of a HEIF file, upright, within `limits`; also gives the EXIF
/// orientation that was applied, if one was.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<(DynamicImage, Option<Orientation>), Error> {
    let corrupt = |e: libheif_rs::HeifError| Error::Corrupt(format!("HEIF: {}", e.message));
    let context = HeifContext::read_from_bytes(bytes).map_err(corrupt)?;
    let handle = context.primary_image_handle().map_err(corrupt)?;
    let (width, height) = (handle.width(), handle.height());
    limits.check_size(width, height)?;
    // Interleaved 8-bit RGB: libheif converts deeper (HDR) images down to it.
    let decoded = handle
        .decode(ColorSpace::Rgb(RgbChroma::Rgb), None)
        .map_err(corrupt)?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or_else(|| Error::Corrupt("HEIF: no RGB pixels decoded".into()))?;
    let (w, h, stride) = (plane.width, plane.height, plane.stride);
    let row = w as usize * 3;
    if stride < row || plane.data.len() < stride * h as usize {
        return Err(Error::Corrupt("HEIF: the decoded rows are short".into()));
    }
    let mut rgb = Vec::with_capacity(row * h as usize);
    for y in 0..h as usize {
        rgb.extend_from_slice(&plane.data[y * stride..y * stride + row]);
    }
    let mut image = DynamicImage::ImageRgb8(
        RgbImage::from_raw(w, h, rgb).ok_or_else(|| Error::Corrupt("HEIF: bad size".into()))?,
    );
    let turned_by_container = i64::from(handle.width()) != i64::from(handle.ispe_width())
        || i64::from(handle.height()) != i64::from(handle.ispe_height());
    let orientation = exif_orientation(&handle).filter(|o| {
        !turned_by_container
            && matches!(
                o,
                Orientation::Rotate90
                    | Orientation::Rotate270
                    | Orientation::Rotate90FlipH
                    | Orientation::Rotate270FlipH
            )
    });
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    Ok((image, orientation))
}

/// The orientation in the image's EXIF block, if it has one that can be read.
fn exif_orientation(handle: &libheif_rs::ImageHandle) -> Option<Orientation> {
    let mut ids: [ItemId; 4] = [0; 4];
    let n = handle.metadata_block_ids(&mut ids, b"Exif");
    ids[..n.min(ids.len())].iter().find_map(|&id| {
        let block = handle.metadata(id).ok()?;
        // A HEIF EXIF block starts with the offset of the TIFF header within it.
        let skip = u32::from_be_bytes(block.get(0..4)?.try_into().ok()?) as usize;
        let tiff = block.get(4usize.checked_add(skip)?..)?;
        Orientation::from_exif_chunk(tiff)
    })
}
