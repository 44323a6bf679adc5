//! Preparing a photo or scan for Tesseract: grayscale, orientation, deskew, crop, scale,
//! illumination, binarisation and denoising, each a small step of its own.
//!
//! The pipeline first *measures* a small copy of the page (line direction, skew, letter size, where
//! the text is), then resamples the full-resolution image once, combining crop, rotation and scale
//! into one affine map. That map is kept, so every word box can be carried back to source pixels.

pub mod binarize;
pub mod gray;
pub mod illumination;
pub mod layout;
pub mod scaling;

use image::{GrayImage, Luma};
use imageproc::geometric_transformations::{Border, Interpolation, warp_into_with};
use serde::{Deserialize, Serialize};

pub use gray::GrayMode;

use crate::geometry::{BBox, Transform};
use crate::load::LoadedImage;
use crate::page::{OrientationCandidate, Preprocessing, ReadKind, ReadScore, Step};

/// Long side of the copy the pipeline measures the page on.
const ANALYSIS_SIDE: u32 = 2000;

/// Something that can tell how far a page is turned: the clockwise quarter-turn (0, 90, 180, 270)
/// that makes it upright, and how sure it is.
pub trait DetectOrientation {
    /// Detects the orientation of an image, or `None` when it cannot tell.
    fn detect(&mut self, image: &GrayImage) -> Option<(u16, f32)>;

    /// Whether the text is in a script with ascenders and descenders (Latin), so that their
    /// counts can tell upright text from upside-down text without a full detection.
    fn script_has_ascenders(&self) -> bool {
        false
    }

    /// Reads a sample of a page and scores the read; `None` when this detector cannot read.
    fn read_sample(&mut self, _image: &GrayImage) -> Option<ReadScore> {
        None
    }

    /// Whether the dictionary that scores sample reads is that of every language the page may
    /// be in (one language set), so that a few lines can show enough of its words.
    fn dictionary_is_whole(&self) -> bool {
        false
    }
}

impl DetectOrientation for crate::engine::Engine {
    fn detect(&mut self, image: &GrayImage) -> Option<(u16, f32)> {
        self.detect_orientation(image)
    }

    fn script_has_ascenders(&self) -> bool {
        crate::engine::latin_script(self.language())
    }

    fn read_sample(&mut self, image: &GrayImage) -> Option<ReadScore> {
        self.score_read(image)
    }

    fn dictionary_is_whole(&self) -> bool {
        // Tesseract checks words against the first language's dictionary only.
        !self.language().contains('+')
    }
}

/// Upside down (`Some(true)`), upright (`Some(false)`) or unclear, from the ascender and descender
/// votes of the letters on a straightened, horizontal-line image.
pub fn upside_down(image: &GrayImage, letter: f32) -> Option<bool> {
    let window = ((letter * 2.0) as u32).max(15) | 1;
    let letters = layout::letters(&binarize::sauvola(image, window, 0.2));
    let (up, down) = layout::ascender_votes(&letters, letter);
    verdict(up, down)
}

/// Sauvola binarisation settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sauvola {
    /// Window side as a multiple of the letter size.
    pub window: f32,
    /// Sensitivity; higher keeps less ink.
    pub k: f32,
}

/// The range of median letter heights, in pixels, that Tesseract reads well and fast: smaller
/// letters are enlarged to `min`, larger ones shrunk to `max`, others left as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterRange {
    /// Smallest median letter height left unscaled.
    pub min: u32,
    /// Largest median letter height left unscaled.
    pub max: u32,
}

impl LetterRange {
    /// The scale factor that brings a median letter height of `size` pixels into the range.
    pub fn scale_for(self, size: f32) -> f32 {
        if size <= 0.0 {
            1.0
        } else if size < self.min as f32 {
            self.min as f32 / size
        } else if size > self.max as f32 {
            self.max as f32 / size
        } else {
            1.0
        }
    }
}

/// Which preprocessing steps run, and their settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pipeline {
    /// How colour becomes gray.
    pub gray: GrayMode,
    /// Detect and undo quarter turns (0/90/180/270).
    pub orient: bool,
    /// Straighten text lines tilted up to this many degrees; `None` leaves them.
    pub deskew: Option<f32>,
    /// Crop away everything around the text (page edges, desk, fingers).
    pub crop: bool,
    /// Scale so the median letter height falls in this range; `None` keeps the size.
    pub letter_size: Option<LetterRange>,
    /// Flatten uneven lighting and paper tint.
    pub normalize: bool,
    /// Binarise before recognition; `None` hands Tesseract the gray image.
    pub binarize: Option<Sauvola>,
    /// Median filter radius; `None` or 0 skips it.
    pub denoise: Option<u32>,
    /// Upper bound on the processed image's pixel count, to bound memory and time.
    pub max_pixels: u64,
    /// Read light-on-dark regions as dark-on-light.
    pub invert: bool,
    /// Compare a sample of the preprocessed image with the plain one, and read the plain image
    /// when it reads clearly better.
    pub fallback: bool,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self::photo()
    }
}

impl Pipeline {
    /// The default, tuned for phone photos and scans of printed pages.
    pub fn photo() -> Self {
        Self {
            gray: GrayMode::Darkest,
            orient: true,
            deskew: Some(15.0),
            crop: true,
            letter_size: Some(LetterRange { min: 16, max: 30 }),
            normalize: true,
            binarize: None,
            denoise: None,
            max_pixels: 16_000_000,
            invert: true,
            fallback: true,
        }
    }

    /// No preprocessing: the image goes to Tesseract as it is, in gray.
    pub fn none() -> Self {
        Self {
            gray: GrayMode::Luma,
            orient: false,
            deskew: None,
            crop: false,
            letter_size: None,
            normalize: false,
            binarize: None,
            denoise: None,
            max_pixels: u64::MAX,
            invert: false,
            fallback: false,
        }
    }

    /// A short, stable fingerprint of the settings, for cache keys.
    pub fn fingerprint(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Runs the pipeline on a loaded image. With a detector that can read samples
    /// ([`DetectOrientation::read_sample`]), every turn of the page is confirmed by reading a sample
    /// at each candidate orientation, and the preprocessed image is checked against the plain one.
    pub fn run(
        &self,
        loaded: &LoadedImage,
        orient: Option<&mut dyn DetectOrientation>,
    ) -> Prepared {
        let mut detector = orient;
        let gray = gray::to_gray(&loaded.image, self.gray);
        let (w, h) = gray.dimensions();
        let mut report = Preprocessing {
            exif_orientation: loaded.exif_orientation,
            scale: 1.0,
            steps: vec![Step::Gray(self.gray)],
            ..Preprocessing::default()
        };
        let needs_measure =
            self.orient || self.deskew.is_some() || self.crop || self.letter_size.is_some();
        let m = needs_measure.then(|| measure(&gray, self.deskew.unwrap_or(0.0).max(2.0)));
        let letter = m.as_ref().and_then(|m| m.letter_size);

        // A clean page (even, white paper: a scan or a render) is read nearly as it is: its
        // letters are where Tesseract expects them, and every change is a risk to its layout.
        let clean = m.as_ref().is_some_and(|m| m.even_paper);
        if clean {
            report.notes.push(
                "clean page: even white paper, so no crop or perspective, and letters of 10 to 60 px kept"
                    .into(),
            );
        }
        let crop = if self.crop {
            let bounds = m.as_ref().and_then(|m| m.text_bounds);
            let evidence = !clean || m.as_ref().is_some_and(|m| m.surround_is_not_paper);
            if bounds.is_some() && !evidence {
                report
                    .notes
                    .push("crop: abstained, what lies around the text is paper".into());
            }
            bounds.filter(|_| evidence)
        } else {
            None
        };
        let region = crop.unwrap_or(BBox::new(0, 0, w, h));
        let range = self.letter_size.map(|r| {
            if clean {
                LetterRange {
                    min: r.min.min(CLEAN_MIN_LETTER),
                    max: r.max.max(CLEAN_MAX_LETTER),
                }
            } else {
                r
            }
        });
        let mut scale = match (range, letter) {
            (Some(range), Some(size)) => {
                // Enlarging is the costly direction: it needs the ink-weighted size to agree
                // that the letters are small, so dots, hatching and specks cannot ask for it.
                let ink = m.as_ref().and_then(|m| m.ink_letter_size).unwrap_or(size);
                let s = range.scale_for(size);
                let s = if s > 1.0 {
                    let by_ink = range.scale_for(ink.max(size));
                    if by_ink < s {
                        report.notes.push(format!(
                            "scale: letters {size:.0} px by count but {ink:.0} px by ink; enlarged only by {by_ink:.2}"
                        ));
                    }
                    by_ink.max(1.0)
                } else {
                    s
                };
                s.clamp(0.25, MAX_ENLARGE)
            }
            _ => 1.0,
        };
        let area = f64::from(region.width) * f64::from(region.height) * f64::from(scale).powi(2);
        if area > self.max_pixels as f64 {
            scale *= (self.max_pixels as f64 / area).sqrt() as f32;
            report
                .notes
                .push(format!("scale: capped at {} pixels", self.max_pixels));
        }
        let letter_out = letter.map_or(30.0, |l| l * scale);
        let vertical = m.as_ref().is_some_and(|m| m.vertical);
        let quarter: u16 = if self.orient && vertical { 270 } else { 0 };
        let spec = FrameSpec {
            region,
            scale,
            letter_out,
            clean,
        };
        let mut frame = self.frame(&gray, m.as_ref(), quarter, spec);

        let mut rotation = quarter;
        let mut sample: Option<(BBox, Option<ReadScore>)> = None;
        // A page taken as it is (no quarter turn, little tilt, nothing a sample must check) is
        // settled by the ascender votes of the letters already measured, when they are clear.
        let latin = detector.as_ref().is_some_and(|d| d.script_has_ascenders());
        let early = (self.orient
            && latin
            && quarter == 0
            && frame.deskew.abs() < 2.0
            && scale <= 1.0
            && !frame.steps.iter().any(|s| s.acts_on_weak_evidence()))
        .then(|| m.as_ref().and_then(|m| m.ascender_votes))
        .flatten()
        .and_then(|[up, down]| {
            report.ascender_votes = Some([up, down]);
            if verdict(up, down) == Some(false) {
                Some(0u16)
            } else if clearly_upside_down(up, down) {
                Some(180)
            } else {
                None
            }
        });
        if let Some(r) = early {
            if r == 180 {
                let (rotated, map) = rotate_quarter(&frame.image, 180);
                frame.image = rotated;
                frame.to_source = map.then(frame.to_source);
            }
            rotation = r;
            frame.steps.push(Step::Orient(r));
        }
        if self.orient && early.is_none() {
            // The lines now run across; what is left to tell is whether the page is upside down.
            // Orientation needs far less detail than reading: large letters are halved first.
            let halved = (letter_out >= 24.0).then(|| halve(&frame.image));
            let (small, small_letter, factor) = match &halved {
                Some(s) => (s, letter_out / 2.0, 2),
                None => (&frame.image, letter_out, 1),
            };
            let window = ((small_letter * 2.0) as u32).max(15) | 1;
            let letters = layout::letters(&binarize::sauvola(small, window, 0.2));
            let votes = latin.then(|| {
                let (up, down) = layout::ascender_votes(&letters, small_letter);
                report.ascender_votes = Some([up, down]);
                verdict(up, down)
            });
            let votes = votes.flatten();
            // Without clear votes the page is proposed as it lies and the sample reads decide;
            // OSD (a whole-page pass that costs as much as reading the page) is asked only when
            // no sample can be read.
            let proposal = (quarter + if votes == Some(true) { 180 } else { 0 }) % 360;
            // Upright lines with clear ascenders need no reading; anything else is read.
            // So do lines with a clear majority of descender votes: the page is upside down.
            let strong_flip = report
                .ascender_votes
                .is_some_and(|[up, down]| clearly_upside_down(up, down));
            let settled = quarter == 0 && (votes == Some(false) || strong_flip);
            // The sample is sized and placed by the letters that hold most of the ink, so
            // specks, dotted rules and the grain of a picture cannot draw it.
            let ink_small = m
                .as_ref()
                .and_then(|m| m.ink_letter_size)
                .map_or(small_letter, |i| {
                    (i * scale / factor as f32).max(small_letter)
                });
            let text_letters: Vec<layout::Blob> = letters
                .iter()
                .filter(|b| {
                    let size = b.bbox.height.max(b.bbox.width) as f32;
                    size >= ink_small * 0.5 && size <= ink_small * 2.5
                })
                .copied()
                .collect();
            let sample_box = sample_region(
                &text_letters,
                ink_small,
                small.width(),
                small.height(),
                quarter != 0,
            )
            .map(|b| {
                BBox::new(
                    b.x * factor,
                    b.y * factor,
                    b.width * factor,
                    b.height * factor,
                )
            })
            .map(|b| clamp_box(b, frame.image.width(), frame.image.height()));
            rotation = proposal;
            let mut unread = false;
            // When the first lines of the sample settled the turn, only they were read: the
            // rows of the sample, as turned upright, that they fill.
            let mut kept_rows: Option<u32> = None;
            if let (false, Some(d), Some(sb)) = (settled, detector.as_mut(), sample_box) {
                let piece =
                    image::imageops::crop_imm(&frame.image, sb.x, sb.y, sb.width, sb.height)
                        .to_image();
                // The proposed orientation is read first, and kept at once when it reads well;
                // otherwise the page as shown, then the opposite of the proposal. A page whose
                // proposal is right costs one read, a wrong proposal on an upright page two.
                // The first turn tried is the likeliest: its sample's first lines may settle it
                // alone, for half the reading. Each later turn is read whole, as are turns that
                // the first lines leave in doubt, so a doubt is judged on the whole sample. With
                // several languages, whose words the dictionary mostly does not know, a few lines
                // rarely settle it, and the sample is read whole at once.
                let lines_first = d.dictionary_is_whole();
                let mut read_at = |c: u16, first: bool| {
                    let (score, rows) = if first {
                        read_turned_first_lines(&mut **d, &piece, quarter, c)?
                    } else {
                        (read_turned(&mut **d, &piece, quarter, c)?, None)
                    };
                    let candidate = OrientationCandidate {
                        rotation: c,
                        score,
                        first_lines: rows.is_some(),
                    };
                    Some((candidate, rows))
                };
                // Lines that only just line up better down the page than across it (columns of
                // a table, a narrow receipt) make a weak proposal: the page as shown goes first.
                let weak_turn = quarter != 0
                    && m.as_ref()
                        .and_then(|m| m.vertical_strength)
                        .is_none_or(|v| v < STRONG_VERTICAL);
                let mut order = if weak_turn {
                    vec![0, proposal, (proposal + 180) % 360]
                } else {
                    vec![proposal, 0, (proposal + 180) % 360]
                };
                order.dedup();
                if order.len() == 3 && order[2] == order[0] {
                    order.pop();
                }
                let mut scores: Vec<OrientationCandidate> = Vec::new();
                let mut complete = true;
                rotation = 0;
                for (i, c) in order.into_iter().enumerate() {
                    let Some((read, rows)) = read_at(c, lines_first && i == 0) else {
                        complete = false;
                        break;
                    };
                    scores.push(read);
                    if reads_well(&read.score) {
                        rotation = c;
                        kept_rows = rows;
                        break;
                    }
                }
                // A read that is good on confidence alone, with few dictionary words (a
                // vocabulary list, names, codes), does not settle it: Tesseract reads round
                // letters upside down with confidence. The opposite turn is read too, and kept
                // when it reads better.
                let settling = scores
                    .iter()
                    .find(|c| c.rotation == rotation)
                    .map(|c| c.score);
                let opposite = (rotation + 180) % 360;
                if let Some(cur) = settling.filter(|s| reads_well(s) && !dictionary_backed(s))
                    && !scores.iter().any(|c| c.rotation == opposite)
                    && let Some((opp, _)) = read_at(opposite, false)
                {
                    scores.push(opp);
                    if opposite_reads_better(&opp.score, &cur) {
                        report.notes.push(format!(
                            "orient: {rotation} read well on confidence alone ({} words, \
                             confidence {:.0}, {} in the dictionary); {opposite} read better \
                             ({} words, confidence {:.0}, {} in the dictionary)",
                            cur.words,
                            cur.confidence,
                            cur.dictionary,
                            opp.score.words,
                            opp.score.confidence,
                            opp.score.dictionary
                        ));
                        rotation = opposite;
                        kept_rows = None;
                    }
                }
                if complete && !scores.iter().any(|c| reads_well(&c.score)) {
                    // No sample read well (a table's short cells, a form): a sample three times
                    // as tall and twice as wide settles it, read at the page as shown and at the
                    // turn whose first sample was the most confident.
                    let wide = clamp_box(
                        BBox::new(
                            sb.x.saturating_sub(sb.width / 2),
                            sb.y.saturating_sub(sb.height),
                            sb.width * 2,
                            sb.height * 3,
                        ),
                        frame.image.width(),
                        frame.image.height(),
                    );
                    let best_turn = scores
                        .iter()
                        .filter(|c| c.rotation != 0)
                        .max_by(|a, b| a.score.confidence.total_cmp(&b.score.confidence))
                        .map(|c| c.rotation);
                    if wide != sb
                        && let Some(turn) = best_turn
                    {
                        let big = image::imageops::crop_imm(
                            &frame.image,
                            wide.x,
                            wide.y,
                            wide.width,
                            wide.height,
                        )
                        .to_image();
                        let mut read_big = |c: u16| read_turned(&mut **d, &big, quarter, c);
                        if let (Some(a), Some(t)) = (read_big(0), read_big(turn)) {
                            report.notes.push(format!(
                                "orient: no sample read well; a larger one read {} words at 0 \
                                 (confidence {:.0}, {} in the dictionary) and {} at {turn} \
                                 (confidence {:.0}, {} in the dictionary)",
                                a.words,
                                a.confidence,
                                a.dictionary,
                                t.words,
                                t.confidence,
                                t.dictionary
                            ));
                            scores.retain(|c| c.rotation != 0 && c.rotation != turn);
                            scores.push(OrientationCandidate {
                                rotation: 0,
                                score: a,
                                first_lines: false,
                            });
                            scores.push(OrientationCandidate {
                                rotation: turn,
                                score: t,
                                first_lines: false,
                            });
                            rotation = if reads_well(&t) && t.confidence > a.confidence {
                                turn
                            } else {
                                0
                            };
                        }
                    }
                }
                if complete && !scores.iter().any(|c| reads_well(&c.score)) {
                    // No orientation read well: a turn is kept only when clearly better than
                    // the page as shown.
                    let as_is = scores.iter().find(|c| c.rotation == 0).map(|c| c.score);
                    rotation = scores
                        .iter()
                        .filter(|c| c.rotation != 0)
                        .filter(|c| as_is.is_some_and(|a| clearly_better(&c.score, &a)))
                        .max_by_key(|c| c.score.dictionary)
                        .map_or(0, |c| c.rotation);
                }
                if complete {
                    if rotation != proposal {
                        report.notes.push(format!(
                            "orient: {proposal} was proposed, the sample read best at {rotation}"
                        ));
                    }
                    let kept = scores
                        .iter()
                        .find(|c| c.rotation == rotation)
                        .map(|c| c.score);
                    // The sample as it will be read, in the frame of the kept orientation.
                    sample = Some((sb, kept));
                    report.orientation_evidence = scores;
                } else {
                    unread = true;
                }
            }
            if report.orientation_evidence.is_empty()
                && !settled
                && votes.is_none()
                && let Some((r, _)) = detector.as_mut().and_then(|d| d.detect(small))
            {
                // Nothing was read: OSD's flip is the only evidence left.
                rotation = (quarter + if r == 180 { 180 } else { 0 }) % 360;
                report.notes.push(format!(
                    "orient: no sample read; OSD proposed {r}, kept {rotation}"
                ));
            } else if unread {
                report
                    .notes
                    .push("orient: the sample could not be read; proposal kept".into());
            }
            if sample.is_none() {
                sample = sample_box.map(|b| (b, None));
            }
            if quarter != 0 && rotation == 0 {
                // The lines were taken to run down the page, but it reads better as it is.
                frame = self.frame(&gray, m.as_ref(), 0, spec);
                sample = sample.map(|(b, s)| {
                    let t = rotate_box(b, 90, frame.image.height(), frame.image.width());
                    (clamp_box(t, frame.image.width(), frame.image.height()), s)
                });
            }
            let frame_rotation = if quarter != 0 && rotation == 0 {
                0
            } else {
                quarter
            };
            if (rotation + 360 - frame_rotation) % 360 == 180 {
                let (fw, fh) = frame.image.dimensions();
                let (rotated, map) = rotate_quarter(&frame.image, 180);
                frame.image = rotated;
                frame.to_source = map.then(frame.to_source);
                sample = sample.map(|(b, s)| (rotate_box(b, 180, fw, fh), s));
            }
            if let Some(rows) = kept_rows {
                sample = sample.map(|(b, s)| (BBox::new(b.x, b.y, b.width, rows.min(b.height)), s));
            }
            frame.steps.push(Step::Orient(rotation));
        }
        report.rotation = rotation;
        let Frame {
            mut image,
            to_source,
            deskew,
            steps,
            notes,
        } = frame;
        report.steps.extend(steps);
        report.notes.extend(notes);
        report.deskew = deskew;
        report.scale = scale;
        report.crop = crop;

        // Steps that act on evidence a page can fake (a slant from converging lines, shading,
        // dark regions, small letters) are checked against the plain read; the others are not.
        let weak = report.steps.iter().any(|s| s.acts_on_weak_evidence()) || scale > 1.0;
        if !weak {
            report
                .notes
                .push("read: preprocessed, no step acted on weak evidence".into());
        }
        if self.fallback
            && weak
            && let (Some(d), Some((sb, kept))) = (detector.as_mut(), sample)
            && let Some(plain) = self.plain_instead(loaded, &image, &to_source, sb, kept, &mut **d)
        {
            match plain {
                Ok((note, plain_image)) => {
                    report.notes.push(note);
                    let (pw, ph) = plain_image.dimensions();
                    return Prepared {
                        image: plain_image,
                        to_source: Transform::IDENTITY,
                        report: Preprocessing {
                            exif_orientation: loaded.exif_orientation,
                            rotation: 0,
                            deskew: 0.0,
                            scale: 1.0,
                            crop: None,
                            processed_width: pw,
                            processed_height: ph,
                            steps: vec![Step::Gray(GrayMode::Luma), Step::Plain],
                            read: ReadKind::Plain,
                            ..report
                        },
                    };
                }
                Err(note) => report.notes.push(note),
            }
        }
        if let Some(sv) = self.binarize {
            let window = ((letter_out * sv.window) as u32).max(15) | 1;
            image = binarize::sauvola(&image, window, sv.k);
            report.steps.push(Step::Binarize);
        }
        if let Some(r) = self.denoise.filter(|&r| r > 0) {
            image = binarize::denoise(&image, r);
            report.steps.push(Step::Denoise(r));
        }
        report.processed_width = image.width();
        report.processed_height = image.height();
        Prepared {
            image,
            to_source,
            report,
        }
    }

    /// Crop, quarter turn, deskew, perspective and scale in one resampling, then the tone steps
    /// (light-on-dark regions inverted, lighting flattened) where the page shows a need for them.
    fn frame(
        &self,
        gray: &GrayImage,
        m: Option<&Measurements>,
        quarter: u16,
        spec: FrameSpec,
    ) -> Frame {
        let FrameSpec {
            region,
            scale,
            letter_out,
            clean,
        } = spec;
        let mut steps = Vec::new();
        let mut notes = Vec::new();
        let base = if quarter == 270 { 90.0 } else { 0.0 };
        let angle = m
            .and_then(|m| {
                if quarter == 270 {
                    m.angle
                } else {
                    m.horizontal_angle
                }
            })
            .unwrap_or(base);
        // Tesseract reads lines tilted by a fraction of a degree well; on a clean page only a
        // clear tilt is worth a resampling.
        let least = if clean { CLEAN_MIN_SKEW } else { 0.2 };
        let skew = match self.deskew {
            Some(max) if (angle - base).abs() <= max && (angle - base).abs() >= least => {
                angle - base
            }
            _ => 0.0,
        };
        // The vanishing point was measured along the page's own line direction; a scan or a
        // render has no perspective to undo.
        let same_direction = m.is_some_and(|m| (m.vertical) == (quarter == 270));
        let vanishing = self
            .deskew
            .and(m.and_then(|m| m.vanishing))
            .filter(|_| same_direction && !clean);
        let (straighten, residual, perspective) =
            straighten(region, f64::from(base + skew), vanishing);
        let (mut image, to_source) = resample(gray, region, straighten, scale);
        if self.crop && m.and_then(|m| m.text_bounds) == Some(region) {
            steps.push(Step::Crop);
        }
        let deskew = (residual - f64::from(base)) as f32;
        let deskew = if deskew.abs() >= 0.05 {
            steps.push(Step::Deskew(deskew).recorded());
            deskew
        } else {
            0.0
        };
        if perspective {
            steps.push(Step::Perspective);
        }
        if (scale - 1.0).abs() > 1e-3 {
            steps.push(Step::Scale(scale).recorded());
        }
        let tile = ((letter_out * 8.0) as u32).max(32);
        if self.invert
            && let Some(share) = illumination::invert_dark_regions(&mut image, tile)
        {
            steps.push(Step::Invert(share).recorded());
        }
        if self.normalize {
            if illumination::uneven_background(&image, tile) {
                image = illumination::normalize_illumination(&image, (letter_out * 3.0) as u32);
                steps.push(Step::Normalize);
            } else {
                notes.push("normalize: abstained, the paper is even and white".into());
            }
        }
        Frame {
            image,
            to_source,
            deskew,
            steps,
            notes,
        }
    }

    /// Compares a sample of the preprocessed image with the same part of the plain image (the
    /// page as shown, in luma gray). Returns the plain image with the reason when it reads clearly
    /// better, or `Err` with the reason the preprocessed one is kept; `None` when nothing could
    /// be compared.
    fn plain_instead(
        &self,
        loaded: &LoadedImage,
        image: &GrayImage,
        to_source: &Transform,
        sample: BBox,
        kept: Option<ReadScore>,
        detector: &mut dyn DetectOrientation,
    ) -> Option<Result<(String, GrayImage), String>> {
        let (pw, ph) = (loaded.image.width(), loaded.image.height());
        let src = to_source.map_bbox(sample, pw, ph);
        if src.width < 8 || src.height < 8 {
            return None;
        }
        let piece = clamp_box(sample, image.width(), image.height());
        let ours = match kept {
            Some(s) => s,
            None => detector.read_sample(
                &image::imageops::crop_imm(image, piece.x, piece.y, piece.width, piece.height)
                    .to_image(),
            )?,
        };
        // Only the sample is made gray to be compared; the whole page only if it is kept.
        let theirs = detector.read_sample(&gray::to_gray(
            &loaded.image.crop_imm(src.x, src.y, src.width, src.height),
            GrayMode::Luma,
        ))?;
        let said = |s: &ReadScore| {
            format!(
                "{} words, confidence {:.0}, {} in the dictionary",
                s.words, s.confidence, s.dictionary
            )
        };
        // A sample is one part of the page: the plain read wins it only when the preprocessed
        // sample is itself in doubt and the plain one reads well, since a photo whose plain read
        // is right in one place is often wrong everywhere else.
        if !reads_well(&ours) && reads_well(&theirs) && plain_clearly_better(&theirs, &ours) {
            let note = format!(
                "read: plain, its sample read better ({} against {})",
                said(&theirs),
                said(&ours)
            );
            Some(Ok((note, gray::to_gray(&loaded.image, GrayMode::Luma))))
        } else {
            let note = format!(
                "read: preprocessed, its sample read as well or better ({} against plain {})",
                said(&ours),
                said(&theirs)
            );
            Some(Err(note))
        }
    }
}

/// How much sharper the vertical line profile must be than the horizontal one for a quarter turn
/// to be read before the page as shown.
const STRONG_VERTICAL: f32 = 1.5;

/// The smallest letter height, in pixels, left unscaled on a clean page.
const CLEAN_MIN_LETTER: u32 = 10;

/// The largest letter height, in pixels, left unscaled on a clean page.
const CLEAN_MAX_LETTER: u32 = 60;

/// The smallest tilt, in degrees, straightened on a clean page.
const CLEAN_MIN_SKEW: f32 = 2.0;

/// How far, in degrees, the lines' direction from the projection profile may lie from the one
/// neighbouring letters show for the page to be deskewed by it.
const LOCAL_ANGLE_AGREEMENT: f32 = 1.5;

/// The most a page is enlarged: beyond it the extra pixels cost time and no accuracy.
const MAX_ENLARGE: f32 = 2.5;

/// What a frame of the page is cut and sized by, whichever way it is turned.
#[derive(Debug, Clone, Copy)]
struct FrameSpec {
    /// The part of the source to keep.
    region: BBox,
    /// The scale factor.
    scale: f32,
    /// The letter size after scaling, in pixels.
    letter_out: f32,
    /// Whether the page is clean (even white paper).
    clean: bool,
}

/// The geometry and tone steps applied to one orientation of the page.
struct Frame {
    image: GrayImage,
    to_source: Transform,
    deskew: f32,
    steps: Vec<Step>,
    notes: Vec<String>,
}

/// Whether the descender votes settle a page as upside down with no read: at least 40 votes,
/// three times as many descenders as ascenders.
fn clearly_upside_down(up: u32, down: u32) -> bool {
    up + down >= 40 && down >= 3 * up
}

/// Reads a sample cut from a frame turned `quarter` degrees, as the page would read turned
/// `rotation` degrees from how it was shown.
fn read_turned(
    detector: &mut dyn DetectOrientation,
    sample: &GrayImage,
    quarter: u16,
    rotation: u16,
) -> Option<ReadScore> {
    let (turned, _) = rotate_quarter(sample, (rotation + 360 - quarter) % 360);
    detector.read_sample(&turned)
}

/// Reads a sample as [`read_turned`] does, its first lines first (up to a gap between lines near
/// its middle): when they read well with the dictionary's backing they settle it, and the rows
/// they fill are given back; otherwise the whole sample is read, as if they had not been. A
/// sample with no clear gap near its middle is read whole at once.
fn read_turned_first_lines(
    detector: &mut dyn DetectOrientation,
    sample: &GrayImage,
    quarter: u16,
    rotation: u16,
) -> Option<(ReadScore, Option<u32>)> {
    let (turned, _) = rotate_quarter(sample, (rotation + 360 - quarter) % 360);
    if let Some(gap) = line_gap(&turned) {
        let top = image::imageops::crop_imm(&turned, 0, 0, turned.width(), gap).to_image();
        let first = detector.read_sample(&top)?;
        if reads_well(&first) && dictionary_backed(&first) {
            return Some((first, Some(gap)));
        }
    }
    detector.read_sample(&turned).map(|s| (s, None))
}

/// A row in the middle third of a sample that runs between its lines: one with next to no ink
/// (dark pixels on at most 1% of it, dark being nearer the sample's darkest tones than its
/// lightest), the one nearest the middle of those with the least. `None` when no such row exists
/// (lines packed tight, a picture, grain): the sample is then read whole.
fn line_gap(image: &GrayImage) -> Option<u32> {
    let (w, h) = image.dimensions();
    if w == 0 || h < 6 {
        return None;
    }
    let mut hist = [0u64; 256];
    for p in image.pixels() {
        hist[usize::from(p.0[0])] += 1;
    }
    let dark = u32::from(illumination::percentile(&hist, 5));
    let light = u32::from(illumination::percentile(&hist, 95));
    if light < dark + 40 {
        return None;
    }
    let threshold = (dark + light) / 2;
    let ink = |y: u32| {
        (0..w)
            .filter(|&x| u32::from(image.get_pixel(x, y).0[0]) < threshold)
            .count() as u32
    };
    let middle = h / 2;
    if std::env::var_os("OTA_GAP").is_some() {
        eprintln!(
            "GAP {w}x{h} dark {dark} light {light}: {:?}",
            (0..h).map(ink).collect::<Vec<_>>()
        );
    }
    (h / 3..h - h / 3)
        .map(|y| (ink(y), y.abs_diff(middle), y))
        .filter(|&(n, _, _)| n * 100 <= w)
        .min()
        .map(|(_, _, y)| y)
}

/// Upright, upside down or unclear, from ascender and descender votes.
fn verdict(up: u32, down: u32) -> Option<bool> {
    if up + down < 20 {
        None
    } else if up >= 2 * down {
        Some(false)
    } else if down >= 2 * up {
        Some(true)
    } else {
        None
    }
}

/// Whether a turned sample reads clearly better than the sample as it is: at least three
/// dictionary words, and either more than twice as many as before (plus two) with a higher
/// confidence, or more with a much higher confidence, or five or more (and more than before)
/// with a clearly higher confidence.
pub fn clearly_better(turned: &ReadScore, as_is: &ReadScore) -> bool {
    turned.dictionary >= 3
        && ((turned.dictionary >= 2 * as_is.dictionary + 2
            && turned.confidence >= as_is.confidence + 5.0)
            || (turned.dictionary > as_is.dictionary
                && turned.confidence >= as_is.confidence + 25.0)
            || (turned.dictionary >= 5
                && turned.dictionary > as_is.dictionary
                && turned.confidence >= as_is.confidence + 10.0))
}

/// Whether a sample read is good enough to settle the orientation by itself: a confident read
/// (mean confidence 60 or more) with at least four dictionary words, or a more confident one (65
/// or more) of five words or more, for text the dictionary does not know (names, prices, codes).
/// A page read at a wrong turn gives neither: its samples read at 20 to 50.
pub fn reads_well(score: &ReadScore) -> bool {
    (score.confidence >= 60.0 && dictionary_backed(score))
        || (score.confidence >= 65.0 && score.words >= 5)
}

/// Whether a sample that reads well does so on its dictionary words (four or more), not on its
/// confidence alone.
fn dictionary_backed(score: &ReadScore) -> bool {
    score.dictionary >= 4
}

/// Whether the opposite turn of a sample that read well on confidence alone reads better: well
/// too, with as many dictionary words or more and a clearly higher confidence (8 points), or
/// with two dictionary words more and no lower confidence.
fn opposite_reads_better(opposite: &ReadScore, settled: &ReadScore) -> bool {
    reads_well(opposite)
        && ((opposite.dictionary >= settled.dictionary
            && opposite.confidence >= settled.confidence + 8.0)
            || (opposite.dictionary >= settled.dictionary + 2
                && opposite.confidence >= settled.confidence))
}

/// Whether the plain image's sample reads clearly better than the preprocessed one's: more
/// dictionary words by a clear margin, and no lower confidence; or a much higher confidence with
/// as many dictionary words.
fn plain_clearly_better(plain: &ReadScore, ours: &ReadScore) -> bool {
    let more_words = plain.dictionary as f32 >= ours.dictionary as f32 * 1.2 + 2.0;
    (more_words && plain.confidence >= ours.confidence - 2.0)
        || (plain.dictionary >= ours.dictionary && plain.confidence >= ours.confidence + 10.0)
}

/// Letters to read in an orientation sample: across and down the lines, or on each side of the
/// square sample of a page whose lines may run either way.
const SAMPLE_ACROSS: f32 = 24.0;
const SAMPLE_DOWN: f32 = 6.0;
const SAMPLE_SQUARE: f32 = 12.0;

/// The part of a page to read when checking its orientation: where the letters are densest, about
/// 24 letters wide and 6 high (a square of 12 when `square`, so that a quarter turn reads the same
/// pixels), within the image. `None` without letters.
pub fn sample_region(
    letters: &[layout::Blob],
    letter: f32,
    width: u32,
    height: u32,
    square: bool,
) -> Option<BBox> {
    if letters.is_empty() || width == 0 || height == 0 {
        return None;
    }
    let l = letter.max(4.0);
    let (sw, sh) = if square {
        let side = ((SAMPLE_SQUARE * l) as u32).min(width).min(height);
        (side, side)
    } else {
        (
            ((SAMPLE_ACROSS * l) as u32).min(width),
            ((SAMPLE_DOWN * l) as u32).min(height),
        )
    };
    let (sw, sh) = (sw.max(1), sh.max(1));
    let centres: Vec<(u32, u32)> = letters
        .iter()
        .map(|b| (b.bbox.x + b.bbox.width / 2, b.bbox.y + b.bbox.height / 2))
        .collect();
    let (stepx, stepy) = ((sw / 4).max(1), (sh / 4).max(1));
    let mut best = (0usize, 0u32, 0u32);
    let mut y = 0;
    loop {
        let mut x = 0;
        loop {
            let n = centres
                .iter()
                .filter(|&&(cx, cy)| cx >= x && cx < x + sw && cy >= y && cy < y + sh)
                .count();
            if n > best.0 {
                best = (n, x, y);
            }
            if x + sw >= width {
                break;
            }
            x = (x + stepx).min(width - sw);
        }
        if y + sh >= height {
            break;
        }
        y = (y + stepy).min(height - sh);
    }
    (best.0 > 0).then(|| BBox::new(best.1, best.2, sw, sh))
}

/// A box within an image of the given size.
fn clamp_box(b: BBox, width: u32, height: u32) -> BBox {
    let x = b.x.min(width.saturating_sub(1));
    let y = b.y.min(height.saturating_sub(1));
    BBox::new(
        x,
        y,
        b.width.min(width - x).max(1),
        b.height.min(height - y).max(1),
    )
}

/// Where a box of an image `width` x `height` lands when the image turns clockwise by 90 or 180
/// degrees.
fn rotate_box(b: BBox, clockwise: u16, width: u32, height: u32) -> BBox {
    match clockwise {
        90 => BBox::new(
            height.saturating_sub(b.y + b.height),
            b.x,
            b.height,
            b.width,
        ),
        180 => BBox::new(
            width.saturating_sub(b.x + b.width),
            height.saturating_sub(b.y + b.height),
            b.width,
            b.height,
        ),
        _ => b,
    }
}

/// What measuring the page found, in source pixels and degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurements {
    /// The text lines run top to bottom rather than left to right.
    pub vertical: bool,
    /// The lines' direction in degrees, in `(-45, 135)`.
    pub angle: Option<f32>,
    /// The direction of the lines taken as running across, within the skew limit of 0 degrees.
    pub horizontal_angle: Option<f32>,
    /// Where the text lines meet when the photo was taken at a slant.
    pub vanishing: Option<(f64, f64)>,
    /// Median letter size across the lines, in source pixels.
    pub letter_size: Option<f32>,
    /// The letter size that half of the letters' ink is in, in source pixels (see
    /// [`layout::ink_letter_size`]).
    pub ink_letter_size: Option<f32>,
    /// Where the text is, with a margin.
    pub text_bounds: Option<BBox>,
    /// How much more the letters line up down the page than across it (see
    /// [`layout::vertical_strength`]).
    pub vertical_strength: Option<f32>,
    /// Ascender and descender votes of the measured letters, when the lines run across.
    pub ascender_votes: Option<[u32; 2]>,
    /// Whether the paper is even and near white (a scan or a render, not a photo).
    pub even_paper: bool,
    /// Whether what lies around the text bounds is something other than paper (a desk, a
    /// scanner lid, a shadow): darker than the paper inside them. Only then is the page cropped.
    pub surround_is_not_paper: bool,
}

/// Measures line direction, perspective, letter size and text bounds on a small copy of the page.
pub fn measure(gray: &GrayImage, max_skew: f32) -> Measurements {
    let (w, h) = gray.dimensions();
    // A page only a little larger than the analysis size is measured as it is: shrinking it
    // would cost more time than measuring the extra pixels. Larger pages are shrunk by a whole
    // factor, averaging squares, which keeps small print measurable and costs one pass.
    let factor = w.max(h).div_ceil(ANALYSIS_SIDE).max(1);
    let mut small = scaling::shrink(gray, factor);
    let (sw, sh) = small.dimensions();
    let k = 1.0 / factor as f32;
    illumination::invert_dark_regions(&mut small, (sw.max(sh) / 25).max(8));
    let even_paper = !illumination::uneven_background(&small, (sw.max(sh) / 25).max(8));
    let flat = illumination::normalize_illumination(&small, sw.max(sh) / 25);
    let letters = layout::letters(&binarize::sauvola(&flat, 31, 0.2));
    let angle = layout::line_angle(&letters, max_skew);
    let vertical = angle.is_some_and(|a| a > 45.0);
    let size = layout::letter_size(&letters, vertical);
    // A tilt the profile finds but the letters' own neighbours do not show (rows of labels
    // side by side, lined up at a slant) is no evidence for deskewing.
    let horizontal_angle = layout::line_angle_near(&letters, 0.0, max_skew).filter(|a| {
        let local = size.and_then(|s| layout::local_line_angle(&letters, s));
        local.is_none_or(|l| (a - l).abs() <= LOCAL_ANGLE_AGREEMENT)
    });
    let ink = layout::ink_letter_size(&letters, vertical);
    let bounds = size.and_then(|s| layout::text_bounds(&letters, s, s * 2, sw, sh));
    let ascender_votes = size.filter(|_| !vertical).map(|s| {
        let (up, down) = layout::ascender_votes(&letters, s as f32);
        [up, down]
    });
    let surround_is_not_paper = bounds.is_some_and(|b| illumination::surround_is_darker(&small, b));
    let vanishing = angle
        .and_then(|a| layout::vanishing_point(&layout::band_lines(&letters, a, 4, 6.0)))
        .map(|(x, y)| (x / f64::from(k), y / f64::from(k)));
    let up = |v: u32| (v as f32 / k).round() as u32;
    Measurements {
        vertical,
        angle,
        horizontal_angle: (letters.len() >= 10).then_some(horizontal_angle).flatten(),
        vanishing,
        letter_size: size.map(|s| s as f32 / k),
        ink_letter_size: ink.map(|s| s as f32 / k),
        surround_is_not_paper,
        even_paper,
        ascender_votes,
        vertical_strength: vertical
            .then(|| layout::vertical_strength(&letters, max_skew))
            .flatten(),
        text_bounds: bounds.map(|b| {
            let (x, y) = (up(b.x).min(w - 1), up(b.y).min(h - 1));
            BBox::new(
                x,
                y,
                up(b.width).min(w - x).max(1),
                up(b.height).min(h - y).max(1),
            )
        }),
    }
}

/// The map from source pixels to a frame where the text lines run straight across: about the
/// centre of `region`, lines of direction `angle` degrees turn horizontal, and lines meeting at
/// `vanishing` become parallel first. Returns the map, the angle it turned by, and whether it
/// corrected perspective.
pub fn straighten(
    region: BBox,
    angle: f64,
    vanishing: Option<(f64, f64)>,
) -> (Transform, f64, bool) {
    let cx = f64::from(region.x) + f64::from(region.width) / 2.0;
    let cy = f64::from(region.y) + f64::from(region.height) / 2.0;
    let centre = Transform::translate(-cx, -cy);
    let diagonal = f64::from(region.width).hypot(f64::from(region.height));
    if let Some((vx, vy)) = vanishing {
        let (dx, dy) = (vx - cx, vy - cy);
        let d2 = dx * dx + dy * dy;
        // A vanishing point on or near the page is a measuring error, not a slanted photo.
        if d2.sqrt() > 1.5 * diagonal {
            let mut theta = dy.atan2(dx).to_degrees();
            while theta - angle > 90.0 {
                theta -= 180.0;
            }
            while angle - theta > 90.0 {
                theta += 180.0;
            }
            let map = centre
                .then(Transform::vanishing(-dx / d2, -dy / d2))
                .then(Transform::rotate(-theta.to_radians()));
            return (map, theta, true);
        }
    }
    (
        centre.then(Transform::rotate(-angle.to_radians())),
        angle,
        false,
    )
}

/// An image ready for Tesseract, and the map from its pixels back to the source image's.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The processed grayscale image.
    pub image: GrayImage,
    /// Maps processed-image coordinates to source-image coordinates.
    pub to_source: Transform,
    /// What was done.
    pub report: Preprocessing,
}

/// Resamples `region` of the source through `straighten` (source to straight frame) and scales
/// by `scale`, in one bilinear pass; returns the image and the map from its pixels to the source.
pub fn resample(
    gray: &GrayImage,
    region: BBox,
    straighten: Transform,
    scale: f32,
) -> (GrayImage, Transform) {
    let s = f64::from(scale);
    let (x0, y0) = (f64::from(region.x), f64::from(region.y));
    let (x1, y1) = (x0 + f64::from(region.width), y0 + f64::from(region.height));
    let pts = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(x, y)| straighten.apply(x, y));
    let min_x = pts.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let max_x = pts.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let min_y = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let max_y = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let ow = (((max_x - min_x) * s).round() as u32).max(1);
    let oh = (((max_y - min_y) * s).round() as u32).max(1);
    let Some(back) = straighten.inverse() else {
        return (gray.clone(), Transform::IDENTITY);
    };
    let to_source = Transform::scale(1.0 / s, 1.0 / s)
        .then(Transform::translate(min_x, min_y))
        .then(back);

    let is_shift = {
        let m = to_source.m;
        (m[0] - 1.0).abs() < 1e-9
            && (m[4] - 1.0).abs() < 1e-9
            && m[1].abs() < 1e-9
            && m[3].abs() < 1e-9
            && m[6].abs() < 1e-12
            && m[7].abs() < 1e-12
    };
    if is_shift {
        let img = image::imageops::crop_imm(gray, region.x, region.y, region.width, region.height)
            .to_image();
        return (img, Transform::translate(x0, y0));
    }
    // Shrinking a lot with bilinear sampling aliases thin strokes: shrink first, then warp.
    let (src, sample) = if s < 0.75 {
        let (sw, sh) = (
            ((f64::from(gray.width()) * s).round() as u32).max(1),
            ((f64::from(gray.height()) * s).round() as u32).max(1),
        );
        let (fx, fy) = (
            f64::from(sw) / f64::from(gray.width()),
            f64::from(sh) / f64::from(gray.height()),
        );
        (
            std::borrow::Cow::Owned(image::imageops::thumbnail(gray, sw, sh)),
            to_source.then(Transform::scale(fx, fy)),
        )
    } else {
        (std::borrow::Cow::Borrowed(gray), to_source)
    };
    let mut out = GrayImage::new(ow, oh);
    warp_into_with(
        &src,
        |x, y| {
            let (sx, sy) = sample.apply(f64::from(x), f64::from(y));
            (sx as f32, sy as f32)
        },
        Interpolation::Bilinear,
        Border::Constant(Luma([255])),
        &mut out,
    );
    (out, to_source)
}

/// Halves both sides, averaging each 2x2 square (an odd last row or column is dropped).
pub fn halve(image: &GrayImage) -> GrayImage {
    if image.width() < 2 || image.height() < 2 {
        return image.clone();
    }
    let (w, h) = (image.width() / 2, image.height() / 2);
    let halved = scaling::shrink(image, 2);
    if halved.dimensions() == (w, h) {
        halved
    } else {
        image::imageops::crop_imm(&halved, 0, 0, w, h).to_image()
    }
}

/// Turns an image clockwise by 90, 180 or 270 degrees; returns it with the map from its pixels
/// back to the unturned image's.
pub fn rotate_quarter(image: &GrayImage, clockwise: u16) -> (GrayImage, Transform) {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    match clockwise {
        90 => (
            image::imageops::rotate90(image),
            Transform::affine([0.0, 1.0, 0.0, -1.0, 0.0, h]),
        ),
        180 => (
            image::imageops::rotate180(image),
            Transform::affine([-1.0, 0.0, w, 0.0, -1.0, h]),
        ),
        270 => (
            image::imageops::rotate270(image),
            Transform::affine([0.0, -1.0, w, 1.0, 0.0, 0.0]),
        ),
        _ => (image.clone(), Transform::IDENTITY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines of "text" (dark bars) with a blank gap between them, 60 pixels tall.
    fn two_lines() -> GrayImage {
        GrayImage::from_fn(120, 60, |x, y| {
            let inked = (8..22).contains(&y) || (38..52).contains(&y);
            Luma([if inked && x % 7 < 5 { 20 } else { 240 }])
        })
    }

    /// A reader that scores each read as it is told to and keeps the heights it was given.
    struct Reader {
        score: ReadScore,
        heights: Vec<u32>,
    }

    impl DetectOrientation for Reader {
        fn detect(&mut self, _image: &GrayImage) -> Option<(u16, f32)> {
            None
        }

        fn read_sample(&mut self, image: &GrayImage) -> Option<ReadScore> {
            self.heights.push(image.height());
            Some(self.score)
        }
    }

    fn reader(words: u32, confidence: f32, dictionary: u32) -> Reader {
        Reader {
            score: ReadScore {
                words,
                confidence,
                dictionary,
            },
            heights: Vec::new(),
        }
    }

    #[test]
    fn a_gap_between_lines_is_found_and_none_in_grain() {
        let gap = line_gap(&two_lines()).expect("a gap between the lines");
        assert!((22..38).contains(&gap), "{gap}");
        let grain = GrayImage::from_fn(120, 60, |x, y| Luma([((x * 7 + y * 13) % 5 * 60) as u8]));
        assert_eq!(line_gap(&grain), None);
        assert_eq!(line_gap(&GrayImage::from_pixel(120, 60, Luma([200]))), None);
    }

    #[test]
    fn first_lines_that_read_well_settle_the_sample_alone() {
        let mut good = reader(8, 80.0, 6);
        let (score, rows) = read_turned_first_lines(&mut good, &two_lines(), 0, 0).unwrap();
        assert_eq!(good.heights.len(), 1, "only the first lines are read");
        assert!(good.heights[0] < 40, "{:?}", good.heights);
        assert_eq!(rows, Some(good.heights[0]));
        assert_eq!(score.words, 8);
    }

    #[test]
    fn first_lines_in_doubt_leave_it_to_the_whole_sample() {
        // Confident but with few dictionary words: not enough to settle a turn alone.
        let mut doubtful = reader(6, 80.0, 1);
        let (score, rows) = read_turned_first_lines(&mut doubtful, &two_lines(), 0, 0).unwrap();
        assert_eq!(doubtful.heights.len(), 2);
        assert_eq!(doubtful.heights[1], 60, "then the whole sample");
        assert_eq!(rows, None);
        assert_eq!((score.words, score.dictionary), (6, 1));
        // Without a gap the sample is read whole, once.
        let mut whole = reader(6, 80.0, 6);
        let solid = GrayImage::from_fn(120, 60, |x, _| Luma([if x % 7 < 5 { 20 } else { 240 }]));
        assert_eq!(
            read_turned_first_lines(&mut whole, &solid, 0, 0).unwrap().1,
            None
        );
        assert_eq!(whole.heights, vec![60]);
    }

    fn marked(w: u32, h: u32) -> GrayImage {
        let mut img = GrayImage::from_pixel(w, h, Luma([255]));
        img.put_pixel(2, 1, Luma([0]));
        img
    }

    #[test]
    fn quarter_turn_maps_back() {
        let img = marked(10, 6);
        for rot in [90u16, 180, 270] {
            let (r, map) = rotate_quarter(&img, rot);
            let (x, y) = r
                .enumerate_pixels()
                .find(|p| p.2.0[0] == 0)
                .map(|p| (p.0, p.1))
                .expect("mark");
            // Map the centre of the marked pixel back.
            let (sx, sy) = map.apply(f64::from(x) + 0.5, f64::from(y) + 0.5);
            assert_eq!((sx.floor(), sy.floor()), (2.0, 1.0), "rotation {rot}");
        }
    }

    #[test]
    fn resample_crop_and_scale_map_back() {
        let mut img = GrayImage::from_pixel(200, 100, Luma([255]));
        for y in 40..50 {
            for x in 120..140 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let region = BBox::new(100, 20, 80, 60);
        let (t, _, _) = straighten(region, 0.0, None);
        let (out, map) = resample(&img, region, t, 2.0);
        assert_eq!(out.dimensions(), (160, 120));
        let (sx, sy) = map.apply(80.0, 50.0);
        assert!((sx - 140.0).abs() < 1e-6 && (sy - 45.0).abs() < 1e-6);
        assert!(out.get_pixel(60, 50).0[0] < 50);
    }

    #[test]
    fn resample_rotation_straightens() {
        // A dark dot at (150, 60) in a 200x100 image; after turning by 10 degrees its processed
        // position maps back to it.
        let mut img = GrayImage::from_pixel(200, 100, Luma([255]));
        for y in 58..63 {
            for x in 148..153 {
                img.put_pixel(x, y, Luma([0]));
            }
        }
        let region = BBox::new(0, 0, 200, 100);
        let (t, _, _) = straighten(region, 10.0, None);
        let (out, map) = resample(&img, region, t, 1.0);
        let dark: Vec<(u32, u32)> = out
            .enumerate_pixels()
            .filter(|p| p.2.0[0] < 60)
            .map(|p| (p.0, p.1))
            .collect();
        assert!(!dark.is_empty());
        let (cx, cy) = dark.iter().fold((0.0, 0.0), |a, p| {
            (a.0 + f64::from(p.0), a.1 + f64::from(p.1))
        });
        let n = dark.len() as f64;
        let (sx, sy) = map.apply(cx / n + 0.5, cy / n + 0.5);
        assert!(
            (sx - 150.5).abs() < 1.5 && (sy - 60.5).abs() < 1.5,
            "{sx},{sy}"
        );
    }

    #[test]
    fn straighten_sends_converging_lines_to_horizontal() {
        // Lines meet at (-3000, 500) to the left of a 1000x1000 page.
        let region = BBox::new(0, 0, 1000, 1000);
        let (t, _, perspective) = straighten(region, 0.0, Some((-3000.0, 500.0)));
        assert!(perspective);
        for y in [100.0, 500.0, 900.0] {
            // A line through (0, y) aimed at the vanishing point.
            let slope = (y - 500.0) / 3000.0;
            let (ax, ay) = t.apply(0.0, y);
            let (bx, by) = t.apply(1000.0, y + 1000.0 * slope);
            assert!(((by - ay) / (bx - ax)).abs() < 1e-9, "line at {y}");
        }
    }

    #[test]
    fn letter_range_scales_only_outside() {
        let r = LetterRange { min: 18, max: 30 };
        assert_eq!(r.scale_for(9.0), 2.0);
        assert_eq!(r.scale_for(20.0), 1.0);
        assert_eq!(r.scale_for(60.0), 0.5);
    }

    #[test]
    fn halve_averages() {
        let img = GrayImage::from_fn(4, 2, |x, _| Luma([if x < 2 { 0 } else { 200 }]));
        let h = halve(&img);
        assert_eq!(h.dimensions(), (2, 1));
        assert_eq!(h.get_pixel(0, 0).0[0], 0);
        assert_eq!(h.get_pixel(1, 0).0[0], 200);
    }

    #[test]
    fn straighten_turns_vertical_lines_across() {
        let (t, theta, perspective) = straighten(BBox::new(0, 0, 100, 200), 90.0, None);
        assert!(!perspective && (theta - 90.0).abs() < 1e-9);
        let (ax, ay) = t.apply(50.0, 0.0);
        let (bx, by) = t.apply(50.0, 200.0);
        assert!((ay - by).abs() < 1e-9 && (bx - ax).abs() > 199.0);
    }

    #[test]
    fn none_pipeline_changes_nothing_but_colour() {
        let img = image::DynamicImage::ImageLuma8(marked(40, 30));
        let loaded = LoadedImage {
            image: img,
            exif_orientation: None,
        };
        let p = Pipeline::none().run(&loaded, None);
        assert_eq!(p.image, marked(40, 30));
        assert_eq!(p.to_source, Transform::translate(0.0, 0.0));
        assert_eq!(p.report.steps, [Step::Gray(GrayMode::Luma)]);
        assert_eq!(p.report.rotation, 0);
    }
}
