//! Colour to grayscale conversion.

use image::{DynamicImage, GrayImage, Luma};
use serde::{Deserialize, Serialize};

/// How colour pixels become gray.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum GrayMode {
    /// Perceived brightness (ITU-R BT.601 luma).
    Luma,
    /// The darkest of the three channels: coloured ink (yellow, red, pale green headings) turns
    /// dark while white paper stays white.
    #[default]
    Darkest,
}

impl GrayMode {
    /// The mode's name in settings and in the steps record.
    pub fn name(self) -> &'static str {
        match self {
            GrayMode::Luma => "luma",
            GrayMode::Darkest => "darkest",
        }
    }
}

/// Converts an image to 8-bit grayscale.
pub fn to_gray(image: &DynamicImage, mode: GrayMode) -> GrayImage {
    match (mode, image) {
        (_, DynamicImage::ImageLuma8(g)) => g.clone(),
        (GrayMode::Luma, img) => img.to_luma8(),
        // A photo is already 8-bit colour: read its pixels where they are, without a copy.
        (GrayMode::Darkest, DynamicImage::ImageRgb8(rgb)) => darkest(rgb),
        (GrayMode::Darkest, img) => darkest(&img.to_rgb8()),
    }
}

/// The darkest channel of each pixel.
fn darkest(rgb: &image::RgbImage) -> GrayImage {
    let (w, h) = rgb.dimensions();
    let mut out = GrayImage::new(w, h);
    for (o, p) in out.pixels_mut().zip(rgb.pixels()) {
        *o = Luma([p.0[0].min(p.0[1]).min(p.0[2])]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn darkest_makes_yellow_ink_dark() {
        let mut img = RgbImage::from_pixel(2, 1, Rgb([255, 255, 255]));
        img.put_pixel(1, 0, Rgb([240, 200, 20]));
        let img = DynamicImage::ImageRgb8(img);
        let dark = to_gray(&img, GrayMode::Darkest);
        let luma = to_gray(&img, GrayMode::Luma);
        assert_eq!(dark.get_pixel(0, 0).0[0], 255);
        assert_eq!(dark.get_pixel(1, 0).0[0], 20);
        assert!(luma.get_pixel(1, 0).0[0] > 150, "luma keeps yellow pale");
    }

    #[test]
    fn gray_input_is_unchanged() {
        let g = GrayImage::from_pixel(3, 3, Luma([77]));
        assert_eq!(
            to_gray(&DynamicImage::ImageLuma8(g.clone()), GrayMode::Darkest),
            g
        );
    }
}
