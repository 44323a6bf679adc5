//! Boxes and the projective maps that carry them from processed-image pixels back to source pixels.

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

/// A 2-D projective map (homography): `(x, y) -> ((a*x + b*y + c) / w, (d*x + e*y + f) / w)` with
/// `w = g*x + h*y + i`. Transform maps (shift, scale, rotation) are the special case `g = h = 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Transform {
    /// Row-major coefficients `[a, b, c, d, e, f, g, h, i]`.
    pub m: [f64; 9],
}

impl Default for Transform {
    fn default() -> Self {
        Self::IDENTITY
    }
}

impl Transform {
    /// The map that changes nothing.
    pub const IDENTITY: Transform = Transform {
        m: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
    };

    /// An affine map from its six coefficients `[a, b, c, d, e, f]`.
    pub const fn affine(a: [f64; 6]) -> Self {
        Transform {
            m: [a[0], a[1], a[2], a[3], a[4], a[5], 0.0, 0.0, 1.0],
        }
    }

    /// A shift by `(dx, dy)`.
    pub fn translate(dx: f64, dy: f64) -> Self {
        Self::affine([1.0, 0.0, dx, 0.0, 1.0, dy])
    }

    /// A scaling by `sx` horizontally and `sy` vertically.
    pub fn scale(sx: f64, sy: f64) -> Self {
        Self::affine([sx, 0.0, 0.0, 0.0, sy, 0.0])
    }

    /// A rotation by `radians` (positive turns the x axis towards the y axis) about the origin.
    pub fn rotate(radians: f64) -> Self {
        let (s, c) = radians.sin_cos();
        Self::affine([c, -s, 0.0, s, c, 0.0])
    }

    /// The map that sends the line `a*x + b*y + 1 = 0` to infinity and is the identity to first
    /// order at the origin: it makes lines that meet on that line parallel.
    pub fn vanishing(a: f64, b: f64) -> Self {
        Transform {
            m: [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, a, b, 1.0],
        }
    }

    /// The map that applies `self` first and then `next`.
    pub fn then(self, next: Transform) -> Transform {
        let a = self.m;
        let b = next.m;
        let mut m = [0.0; 9];
        for r in 0..3 {
            for c in 0..3 {
                m[r * 3 + c] = (0..3).map(|k| b[r * 3 + k] * a[k * 3 + c]).sum();
            }
        }
        Transform { m }
    }

    /// The inverse map, or `None` when the map is degenerate.
    pub fn inverse(&self) -> Option<Transform> {
        let [a, b, c, d, e, f, g, h, i] = self.m;
        let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if det.abs() < 1e-12 {
            return None;
        }
        let adj = [
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ];
        Some(Transform {
            m: adj.map(|v| v / det),
        })
    }

    /// Where the point `(x, y)` goes.
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f, g, h, i] = self.m;
        let w = g * x + h * y + i;
        let w = if w.abs() < 1e-12 { 1e-12 } else { w };
        ((a * x + b * y + c) / w, (d * x + e * y + f) / w)
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
        let m = Transform::scale(2.0, 2.0).then(Transform::translate(10.0, 0.0));
        assert_eq!(m.apply(1.0, 1.0), (12.0, 2.0));
        let m = Transform::translate(10.0, 0.0).then(Transform::scale(2.0, 2.0));
        assert_eq!(m.apply(1.0, 1.0), (22.0, 2.0));
    }

    #[test]
    fn rotation_quarter_turn() {
        let (x, y) = Transform::rotate(std::f64::consts::FRAC_PI_2).apply(1.0, 0.0);
        assert!((x - 0.0).abs() < 1e-9 && (y - 1.0).abs() < 1e-9);
    }

    #[test]
    fn map_bbox_scales_and_clamps() {
        let b = Transform::scale(0.5, 0.5).map_bbox(BBox::new(10, 20, 100, 40), 1000, 1000);
        assert_eq!(b, BBox::new(5, 10, 50, 20));
        let b = Transform::translate(-20.0, 0.0).map_bbox(BBox::new(10, 0, 30, 5), 1000, 1000);
        assert_eq!(b, BBox::new(0, 0, 20, 5));
    }

    #[test]
    fn inverse_undoes_projective_map() {
        let m = Transform::vanishing(0.001, -0.0005)
            .then(Transform::rotate(0.3))
            .then(Transform::translate(5.0, -7.0));
        let inv = m.inverse().expect("invertible");
        let (x, y) = m.apply(120.0, 80.0);
        let (bx, by) = inv.apply(x, y);
        assert!((bx - 120.0).abs() < 1e-9 && (by - 80.0).abs() < 1e-9);
    }

    #[test]
    fn vanishing_makes_converging_lines_parallel() {
        // Two lines meeting at (-1000, 0): through (0, 100) and (0, 200).
        let m = Transform::vanishing(1.0 / 1000.0, 0.0);
        let slope = |y0: f64| {
            let (ax, ay) = m.apply(0.0, y0);
            let (bx, by) = m.apply(500.0, y0 * 1.5);
            (by - ay) / (bx - ax)
        };
        assert!((slope(100.0) - slope(200.0)).abs() < 1e-9);
    }

    #[test]
    fn union_and_contains() {
        let u = BBox::new(0, 0, 10, 10).union(BBox::new(5, 5, 10, 10));
        assert_eq!(u, BBox::new(0, 0, 15, 15));
        assert!(u.contains(14, 14) && !u.contains(15, 0));
    }
}
