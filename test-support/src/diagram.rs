//! Labelled diagrams drawn for the occlusion tests (ImageMagick's `convert`): shapes with 6 to 12
//! labels and leader lines, clean or photographed-looking (turned, skewed, shaded), with the box
//! of every label's ink as drawn, which masks are checked against.

use std::path::Path;
use std::process::Command;

/// How a diagram is made to look photographed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// As drawn.
    Clean,
    /// Turned a few degrees.
    Turned,
    /// Sheared, as seen from a little to the side.
    Skewed,
    /// Lit unevenly, with noise and a little blur, saved as JPEG.
    Shaded,
}

impl Look {
    /// Every look, in order.
    pub const ALL: [Look; 4] = [Look::Clean, Look::Turned, Look::Skewed, Look::Shaded];

    /// A short name for file names and reports.
    pub fn name(self) -> &'static str {
        match self {
            Look::Clean => "clean",
            Look::Turned => "turned",
            Look::Skewed => "skewed",
            Look::Shaded => "shaded",
        }
    }

    fn geometry(self) -> Vec<String> {
        let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect();
        match self {
            Look::Clean | Look::Shaded => Vec::new(),
            Look::Turned => v(&["-background", "white", "-rotate", "3"]),
            Look::Skewed => v(&["-background", "white", "-shear", "4x2"]),
        }
    }
}

/// A diagram's subject: its labels and how its drawing looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// An animal cell.
    Cell,
    /// The parts of a flower, in French.
    Flower,
    /// A map, in German.
    Map,
    /// A machine with numbered parts.
    Engine,
}

impl Subject {
    /// Every subject, in order.
    pub const ALL: [Subject; 4] = [
        Subject::Cell,
        Subject::Flower,
        Subject::Map,
        Subject::Engine,
    ];

    /// A short name for file names and reports.
    pub fn name(self) -> &'static str {
        match self {
            Subject::Cell => "cell",
            Subject::Flower => "flower",
            Subject::Map => "map",
            Subject::Engine => "engine",
        }
    }

    fn labels(self) -> &'static [&'static str] {
        match self {
            Subject::Cell => &[
                "Nucleus",
                "Cell membrane",
                "Mitochondrion",
                "Ribosome",
                "Golgi apparatus",
                "Vacuole",
                "Cytoplasm",
                "Lysosome",
                "Nucleolus",
                "Rough reticulum",
            ],
            Subject::Flower => &[
                "Pétale", "Sépale", "Étamine", "Pistil", "Ovaire", "Stigmate", "Anthère",
            ],
            Subject::Map => &[
                "Nordsee",
                "Ostsee",
                "Hamburg",
                "Berlin",
                "München",
                "Köln",
                "Rhein",
                "Elbe",
                "Donau",
                "Alpen",
                "Frankfurt",
                "Dresden",
            ],
            Subject::Engine => &[
                "Piston",
                "Crankshaft",
                "Spark plug",
                "Intake valve",
                "Exhaust valve",
                "Cylinder",
            ],
        }
    }

    fn language(self) -> &'static str {
        match self {
            Subject::Flower => "fra",
            Subject::Map => "deu",
            Subject::Cell | Subject::Engine => "eng",
        }
    }
}

/// A drawn diagram.
#[derive(Debug, Clone)]
pub struct Diagram {
    /// The Tesseract language of its labels.
    pub language: &'static str,
    /// Each label and the box `[x, y, width, height]` of its ink in the saved image.
    pub labels: Vec<(String, [u32; 4])>,
}

const FONT: &str = "DejaVu-Sans";
const SIZE: u32 = 26;
const WIDTH: u32 = 1400;
const HEIGHT: u32 = 1000;

/// Draws `subject` with `look` to `path` (PNG, or JPEG for [`Look::Shaded`]).
pub fn draw(subject: Subject, look: Look, path: &Path) -> Diagram {
    let labels = subject.labels();
    let mut shapes: Vec<String> = vec![
        "-stroke".into(),
        "black".into(),
        "-strokewidth".into(),
        "3".into(),
        "-fill".into(),
        "#dfe8f0".into(),
    ];
    let (cx, cy) = (WIDTH / 2, HEIGHT / 2);
    match subject {
        Subject::Cell => {
            shapes.extend(draw_op(format!("ellipse {cx},{cy} 330,300 0,360")));
            shapes.extend(draw_op(format!("circle {cx},{cy} {},{cy}", cx + 90)));
            shapes.extend(draw_op(format!(
                "ellipse {},{} 60,25 0,360",
                cx - 170,
                cy + 150
            )));
            shapes.extend(draw_op(format!(
                "ellipse {},{} 50,30 0,360",
                cx + 180,
                cy - 140
            )));
        }
        Subject::Flower => {
            for k in 0..6 {
                let a = k as f32 * std::f32::consts::PI / 3.0;
                let (px, py) = (
                    cx as f32 + 160.0 * a.cos(),
                    cy as f32 - 120.0 + 160.0 * a.sin(),
                );
                shapes.extend(draw_op(format!("ellipse {px:.0},{py:.0} 90,50 0,360")));
            }
            shapes.extend(draw_op(format!(
                "circle {cx},{} {},{}",
                cy - 120,
                cx + 60,
                cy - 120
            )));
            shapes.extend(draw_op(format!(
                "line {cx},{} {cx},{}",
                cy + 20,
                HEIGHT - 120
            )));
        }
        Subject::Map => {
            shapes.extend(draw_op(format!(
                "polygon {},{} {},{} {},{} {},{} {},{} {},{}",
                cx - 250,
                120,
                cx + 200,
                100,
                cx + 300,
                400,
                cx + 230,
                HEIGHT - 120,
                cx - 200,
                HEIGHT - 150,
                cx - 320,
                450
            )));
            shapes.extend(draw_op(format!(
                "line {},{} {},{}",
                cx - 150,
                300,
                cx - 60,
                HEIGHT - 200
            )));
        }
        Subject::Engine => {
            shapes.extend(draw_op(format!(
                "rectangle {},{} {},{}",
                cx - 150,
                150,
                cx + 150,
                HEIGHT - 150
            )));
            shapes.extend(draw_op(format!(
                "rectangle {},{} {},{}",
                cx - 120,
                400,
                cx + 120,
                520
            )));
            shapes.extend(draw_op(format!(
                "circle {cx},{} {},{}",
                HEIGHT - 250,
                cx + 80,
                HEIGHT - 250
            )));
        }
    }

    // Labels down both sides, alternating, each with a leader line to the drawing.
    let per_side = labels.len().div_ceil(2) as u32;
    let pitch = (HEIGHT - 160) / per_side.max(1);
    let mut text_ops: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines: Vec<String> = vec![
        "-stroke".into(),
        "#333333".into(),
        "-strokewidth".into(),
        "2".into(),
    ];
    for (i, label) in labels.iter().enumerate() {
        let left = i % 2 == 0;
        let row = (i / 2) as u32;
        let y = 110 + row * pitch + if left { 0 } else { pitch / 2 };
        let width_guess = (label.chars().count() as f32 * SIZE as f32 * 0.62) as u32;
        let x = if left { 60 } else { WIDTH - 60 - width_guess };
        let (lx0, lx1) = if left {
            (x + width_guess + 25, cx - 120)
        } else {
            (x.saturating_sub(25), cx + 120)
        };
        lines.extend(draw_op(format!(
            "line {lx0},{} {lx1},{}",
            y - SIZE / 3,
            cy - 100 + row * 40
        )));
        let op = vec![
            "-stroke".into(),
            "none".into(),
            "-fill".into(),
            "black".into(),
            "-font".into(),
            FONT.into(),
            "-pointsize".into(),
            SIZE.to_string(),
            "-draw".into(),
            format!("text {x},{y} \"{label}\""),
        ];
        text_ops.push(((*label).to_owned(), op));
    }

    let all_text: Vec<String> = text_ops.iter().flat_map(|(_, op)| op.clone()).collect();
    let mut args: Vec<String> = shapes;
    args.extend(lines);
    args.extend(all_text);
    render(&args, look, path, true);

    // Each label's ink, drawn alone with the same geometry.
    let dir = tempfile::tempdir().expect("tempdir");
    let found = text_ops
        .iter()
        .enumerate()
        .map(|(i, (label, op))| {
            let alone = dir.path().join(format!("label-{i}.png"));
            render(op, look, &alone, false);
            let img = image::open(&alone).expect("label drawn").to_luma8();
            let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
            for (x, y, p) in img.enumerate_pixels() {
                if p.0[0] < 128 {
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
            }
            assert!(x0 <= x1, "label {label:?} left no ink");
            (label.clone(), [x0, y0, x1 - x0 + 1, y1 - y0 + 1])
        })
        .collect();
    Diagram {
        language: subject.language(),
        labels: found,
    }
}

fn draw_op(op: String) -> [String; 2] {
    ["-draw".into(), op]
}

/// Runs `convert` with `ops` on a white canvas, then the look's geometry (and its shading when
/// `shade`), and saves to `path`.
fn render(ops: &[String], look: Look, path: &Path, shade: bool) {
    let mut cmd = Command::new("convert");
    cmd.arg("-size")
        .arg(format!("{WIDTH}x{HEIGHT}"))
        .arg("xc:white")
        .args(ops)
        .args(look.geometry());
    if shade && look == Look::Shaded {
        cmd.args([
            "(",
            "-size",
            &format!("{WIDTH}x{HEIGHT}"),
            "gradient:white-#9a9a9a",
            "-rotate",
            "90",
            "-resize",
            &format!("{WIDTH}x{HEIGHT}!"),
            ")",
            "-compose",
            "multiply",
            "-composite",
            "-attenuate",
            "0.4",
            "+noise",
            "Gaussian",
            "-blur",
            "0x0.7",
            "-quality",
            "85",
        ]);
    }
    let status = cmd
        .arg(path)
        .status()
        .expect("ImageMagick's convert is installed");
    assert!(status.success(), "convert failed for {}", path.display());
}

/// Intersection over union of two boxes `[x, y, width, height]`.
pub fn iou(a: [u32; 4], b: [u32; 4]) -> f64 {
    let ix = (a[0] + a[2])
        .min(b[0] + b[2])
        .saturating_sub(a[0].max(b[0]));
    let iy = (a[1] + a[3])
        .min(b[1] + b[3])
        .saturating_sub(a[1].max(b[1]));
    let inter = f64::from(ix) * f64::from(iy);
    let union = f64::from(a[2]) * f64::from(a[3]) + f64::from(b[2]) * f64::from(b[3]) - inter;
    if union <= 0.0 { 0.0 } else { inter / union }
}

/// The overlap of two boxes `[x, y, width, height]` (empty at `a`'s corner when they do not meet).
pub fn intersection(a: [u32; 4], b: [u32; 4]) -> [u32; 4] {
    let (x, y) = (a[0].max(b[0]), a[1].max(b[1]));
    let w = (a[0] + a[2]).min(b[0] + b[2]).saturating_sub(x);
    let h = (a[1] + a[3]).min(b[1] + b[3]).saturating_sub(y);
    [x, y, w, h]
}
