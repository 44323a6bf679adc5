//! Boxes and the affine maps that carry them from processed-image pixels back to source pixels.

use serde::{Deserialize, Serialize};

/// An axis-aligned rectangle in pixels: left, top, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct BBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl BBox {
    /// A box from its left, top, width and height.
    pub const fn new(x: u32, y: u32, width: u32, height: u32) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }

    /// The smallest box that holds both boxes.
    pub fn union(self, other: BBox) -> BBox {
        let x0 = self.x.min(other.x);
        let y0 = self.y.min(other.y);
        let x1 = (self.x + self.width).max(other.x + other.width);
        let y1 = (self.y + self.height).max(other.y + other.height);
        BBox::new(x0, y0, x1 - x0, y1 - y0)
    }

    /// Whether the point lies inside the box.
    pub fn contains(self, px: u32, py: u32) -> bool {
        px >= self.x && py >= self.y && px < self.x + self.width && py < self.y + self.height
    }
}

/// A 2-D affine map `(x, y) -> (a*x + b*y + c, d*x + e*y + f)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Affine {
    /// Row-major coefficients `[a, b, c, d, e, f]`.
    pub m: [f64; 6],
}

impl Default for Affine {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Affine {
    /// The map that changes nothing.
    pub const IDENTITY: Affine = Affine {
        m: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    };

    /// A shift by `(dx, dy)`.
    pub fn translate(dx: f64, dy: f64) -> Self {
        Affine {
            m: [1.0, 0.0, dx, 0.0, 1.0, dy],
        }
    }

    /// A scaling by `sx` horizontally and `sy` vertically.
    pub fn scale(sx: f64, sy: f64) -> Self {
        Affine {
            m: [sx, 0.0, 0.0, 0.0, sy, 0.0],
        }
    }

    /// A rotation by `radians` (positive turns the x axis towards the y axis) about the origin.
    pub fn rotate(radians: f64) -> Self {
        let (s, c) = radians.sin_cos();
        Affine {
            m: [c, -s, 0.0, s, c, 0.0],
        }
    }

    /// The map that applies `self` first and then `next`.
    pub fn then(self, next: Affine) -> Affine {
        let [a, b, c, d, e, f] = self.m;
        let [p, q, r, s, t, u] = next.m;
        Affine {
            m: [
                p * a + q * d,
                p * b + q * e,
                p * c + q * f + r,
                s * a + t * d,
                s * b + t * e,
                s * c + t * f + u,
            ],
        }
    }

    /// Where the point `(x, y)` goes.
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.m;
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// The bounding box, clamped to `width` x `height`, of where the corners of `bbox` go.
    pub fn map_bbox(&self, bbox: BBox, width: u32, height: u32) -> BBox {
        let (x0, y0) = (f64::from(bbox.x), f64::from(bbox.y));
        let (x1, y1) = (x0 + f64::from(bbox.width), y0 + f64::from(bbox.height));
        let pts = [
            self.apply(x0, y0),
            self.apply(x1, y0),
            self.apply(x0, y1),
            self.apply(x1, y1),
        ];
        let clamp = |v: f64, hi: u32| v.round().clamp(0.0, f64::from(hi)) as u32;
        let min_x = clamp(pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min), width);
        let max_x = clamp(
            pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
            width,
        );
        let min_y = clamp(
            pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
            height,
        );
        let max_y = clamp(
            pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
            height,
        );
        BBox::new(min_x, min_y, max_x - min_x, max_y - min_y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn then_applies_left_to_right() {
        let m = Affine::scale(2.0, 2.0).then(Affine::translate(10.0, 0.0));
        assert_eq!(m.apply(1.0, 1.0), (12.0, 2.0));
        let m = Affine::translate(10.0, 0.0).then(Affine::scale(2.0, 2.0));
        assert_eq!(m.apply(1.0, 1.0), (22.0, 2.0));
    }

    #[test]
    fn rotation_quarter_turn() {
        let (x, y) = Affine::rotate(std::f64::consts::FRAC_PI_2).apply(1.0, 0.0);
        assert!((x - 0.0).abs() < 1e-9 && (y - 1.0).abs() < 1e-9);
    }

    #[test]
    fn map_bbox_scales_and_clamps() {
        let b = Affine::scale(0.5, 0.5).map_bbox(BBox::new(10, 20, 100, 40), 1000, 1000);
        assert_eq!(b, BBox::new(5, 10, 50, 20));
        let b = Affine::translate(-20.0, 0.0).map_bbox(BBox::new(10, 0, 30, 5), 1000, 1000);
        assert_eq!(b, BBox::new(0, 0, 20, 5));
    }

    #[test]
    fn union_and_contains() {
        let u = BBox::new(0, 0, 10, 10).union(BBox::new(5, 5, 10, 10));
        assert_eq!(u, BBox::new(0, 0, 15, 15));
        assert!(u.contains(14, 14) && !u.contains(15, 0));
    }
}
