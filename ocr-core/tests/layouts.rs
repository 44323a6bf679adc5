//! Generated pages of many layouts (tables with and without rules, slides, two and three columns,
//! charts, forms, receipts, pages with a figure) in English, French and German, read by Debian's
//! real Tesseract: each upright page must stay upright, and each copy turned by a quarter, a half
//! or three quarters must be turned back. The pages are drawn by ImageMagick's `convert` with the
//! DejaVu fonts (`imagemagick`, `fonts-dejavu-core`).

use std::path::Path;
use std::process::Command;

use image::{DynamicImage, GrayImage, ImageFormat};
use ocr_core::metrics::cer;
use ocr_core::{Engine, OcrOptions, Page, recognize_bytes};

const SERIF: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf";
const SANS: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
const MONO: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

const ENGLISH: &str = "The cell is the basic unit of life. Every living thing is made of one or more cells, \
    and each cell comes from another cell that divided. Plants and animals are built from many cells \
    that work together: the nucleus holds the genetic material, the membrane controls what enters and \
    leaves, and the mitochondria release the energy stored in food. Students should learn the names of \
    these parts, explain what each one does, and compare the cells of plants with those of animals. \
    A plant cell also has a wall and chloroplasts, where light is turned into sugar.";
const FRENCH: &str = "La Révolution française commence en mille sept cent quatre-vingt-neuf. Le roi convoque \
    les états généraux parce que le royaume manque d'argent. Les députés du tiers état se déclarent \
    assemblée nationale et jurent de donner une constitution au pays. Le quatorze juillet, le peuple de \
    Paris prend la Bastille. Pendant l'été, les paysans se soulèvent dans les campagnes et les privilèges \
    sont abolis. La déclaration des droits de l'homme et du citoyen affirme que les hommes naissent \
    libres et égaux en droits.";
const GERMAN: &str = "Das Wasser der Erde befindet sich in einem ständigen Kreislauf. Die Sonne erwärmt das \
    Wasser der Meere und Seen, es verdunstet und steigt als Wasserdampf in die Luft. In der Höhe kühlt \
    der Dampf ab und bildet Wolken aus kleinen Tropfen. Wenn die Tropfen schwer genug sind, fallen sie \
    als Regen oder Schnee zurück auf die Erde. Ein Teil des Wassers fließt in Bächen und Flüssen wieder \
    ins Meer, ein anderer Teil versickert im Boden und bildet das Grundwasser.";

/// A page to draw: its size and ImageMagick drawing arguments.
struct Canvas {
    width: u32,
    height: u32,
    args: Vec<String>,
    /// The words written on it, in order, for checking the read.
    text: String,
}

impl Canvas {
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            args: Vec::new(),
            text: String::new(),
        }
    }

    fn text(&mut self, font: &str, size: u32, x: u32, y: u32, s: &str) {
        self.text_fill(font, size, x, y, s, "black");
    }

    fn text_fill(&mut self, font: &str, size: u32, x: u32, y: u32, s: &str, fill: &str) {
        assert!(!s.contains('"'), "no double quotes in drawn text");
        self.args.extend([
            "-stroke".into(),
            "none".into(),
            "-fill".into(),
            fill.into(),
            "-font".into(),
            font.into(),
            "-pointsize".into(),
            size.to_string(),
            "-draw".into(),
            format!("text {x},{y} \"{s}\""),
        ]);
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// Writes `s` wrapped into a column `width` pixels wide from (`x`, `y`); returns the y below it.
    fn paragraph(&mut self, font: &str, size: u32, x: u32, y: u32, width: u32, s: &str) -> u32 {
        let per_line = ((width as f32) / (size as f32 * 0.56)) as usize;
        let mut line = String::new();
        let mut y = y;
        for word in s.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                self.text(font, size, x, y, &line);
                y += size * 3 / 2;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.text(font, size, x, y, &line);
            y += size * 3 / 2;
        }
        y
    }

    fn line(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, width: u32) {
        self.args.extend([
            "-stroke".into(),
            "black".into(),
            "-strokewidth".into(),
            width.to_string(),
            "-draw".into(),
            format!("line {x0},{y0} {x1},{y1}"),
        ]);
    }

    /// A dotted rule: dots of `dot` pixels every `step` pixels.
    fn dotted(&mut self, x0: u32, x1: u32, y: u32, dot: u32, step: u32) {
        let mut x = x0;
        let mut draw = String::new();
        while x < x1 {
            draw.push_str(&format!(
                "rectangle {x},{y} {},{} ",
                x + dot - 1,
                y + dot - 1
            ));
            x += step;
        }
        self.args.extend([
            "-stroke".into(),
            "none".into(),
            "-fill".into(),
            "black".into(),
            "-draw".into(),
            draw,
        ]);
    }

    fn rect(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, fill: &str) {
        self.args.extend([
            "-stroke".into(),
            "black".into(),
            "-strokewidth".into(),
            "2".into(),
            "-fill".into(),
            fill.into(),
            "-draw".into(),
            format!("rectangle {x0},{y0} {x1},{y1}"),
        ]);
    }

    fn render(&self, background: &str) -> GrayImage {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("page.png");
        let status = Command::new("convert")
            .arg("-size")
            .arg(format!("{}x{}", self.width, self.height))
            .arg(format!("xc:{background}"))
            .args(&self.args)
            .args(["-colorspace", "Gray", "-depth", "8"])
            .arg(&out)
            .status()
            .expect("ImageMagick's convert is installed");
        assert!(status.success(), "convert failed");
        image::open(&out).expect("rendered page").to_luma8()
    }
}

fn sentences(lang: &str) -> &'static str {
    match lang {
        "fra" => FRENCH,
        "deu" => GERMAN,
        _ => ENGLISH,
    }
}

fn words(lang: &str) -> Vec<&'static str> {
    sentences(lang)
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

/// The words of `s` that fit in its first `n` bytes.
fn prefix(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s[..end].rfind(' ').unwrap_or(0);
    &s[..cut]
}

fn title(lang: &str) -> &'static str {
    match lang {
        "fra" => "Histoire : la Révolution",
        "deu" => "Erdkunde: der Wasserkreislauf",
        _ => "Biology: the living cell",
    }
}

fn table(lang: &str, rules: bool) -> Canvas {
    let mut c = Canvas::new(1240, 1400);
    c.text(BOLD, 40, 80, 110, title(lang));
    let w = words(lang);
    let (x0, y0, cols, rows, cw, rh) = (80u32, 180u32, 4u32, 16u32, 270u32, 60u32);
    for r in 0..rows {
        let y = y0 + r * rh;
        let mut row = Vec::new();
        for col in 0..cols {
            let cell = if col == cols - 1 {
                format!("{},{}", 10 + r * 7, (r * 3) % 10)
            } else {
                w[((r * 3 + col) as usize * 2) % w.len()].to_owned()
            };
            row.push(cell);
        }
        for (col, cell) in row.iter().enumerate() {
            c.text(SANS, 30, x0 + 15 + col as u32 * cw, y + 44, cell);
        }
        if rules {
            c.line(x0, y, x0 + cols * cw, y, 2);
        } else if r % 2 == 1 {
            // Dotted leaders between rows, as in tables set without rules.
            c.dotted(x0, x0 + cols * cw, y + 56, 2, 6);
        }
    }
    if rules {
        let bottom = y0 + rows * rh;
        c.line(x0, bottom, x0 + cols * cw, bottom, 2);
        for col in 0..=cols {
            c.line(x0 + col * cw, y0, x0 + col * cw, bottom, 2);
        }
    }
    c
}

fn slide(lang: &str) -> Canvas {
    let mut c = Canvas::new(1600, 900);
    c.text(BOLD, 96, 90, 160, title(lang));
    let w = words(lang);
    for (i, y) in [330u32, 470, 610, 750].into_iter().enumerate() {
        let bullet = format!("{} {} {}", w[i * 5], w[i * 5 + 1], w[i * 5 + 2]);
        c.text(SANS, 60, 140, y, &bullet);
    }
    c
}

fn columns(lang: &str, n: u32) -> Canvas {
    let mut c = Canvas::new(1240, 1600);
    c.text(BOLD, 40, 80, 100, title(lang));
    let gutter = 50;
    let width = (1240 - 160 - gutter * (n - 1)) / n;
    let size = if n == 2 { 24 } else { 22 };
    for col in 0..n {
        let x = 80 + col * (width + gutter);
        let mut y = 180;
        for part in 0..2 {
            let text = if (col + part) % 2 == 0 {
                sentences(lang).to_owned()
            } else {
                let mut parts: Vec<&str> = sentences(lang).split(". ").collect();
                parts.reverse();
                parts.join(". ")
            };
            y = c.paragraph(SERIF, size, x, y, width, &text) + size;
        }
    }
    c
}

fn chart(lang: &str) -> Canvas {
    let mut c = Canvas::new(1240, 1500);
    c.text(BOLD, 40, 80, 100, title(lang));
    let (left, bottom, top) = (200u32, 900u32, 220u32);
    c.line(left, top, left, bottom, 3);
    c.line(left, bottom, 1100, bottom, 3);
    let w = words(lang);
    for i in 0..6u32 {
        let x = left + 40 + i * 140;
        let hgt = 120 + (i * 97) % 500;
        c.rect(x, bottom - hgt, x + 80, bottom, "gray60");
        let label: String = w[i as usize * 3].chars().take(7).collect();
        c.text(SANS, 24, x, bottom + 40, &label);
    }
    for t in 0..5u32 {
        let y = bottom - t * 150;
        c.line(left - 12, y, left, y, 2);
        c.text(SANS, 24, left - 80, y + 8, &format!("{}", t * 25));
    }
    let caption = sentences(lang)
        .split(". ")
        .take(3)
        .collect::<Vec<_>>()
        .join(". ");
    c.paragraph(SERIF, 26, 80, 1040, 1080, &caption);
    c
}

fn form(lang: &str) -> Canvas {
    let mut c = Canvas::new(1240, 1400);
    c.text(BOLD, 40, 80, 100, title(lang));
    let labels = words(lang);
    for i in 0..7u32 {
        let y = 180 + i * 130;
        c.text(SANS, 26, 80, y + 20, labels[i as usize * 4]);
        c.rect(80, y + 35, 1150, y + 100, "none");
        // Character boxes, as in forms filled by hand.
        if i % 3 == 2 {
            for k in 0..20u32 {
                c.line(120 + k * 50, y + 70, 120 + k * 50, y + 100, 1);
            }
        }
    }
    c.paragraph(SERIF, 24, 80, 1130, 1080, prefix(sentences(lang), 200));
    c
}

fn receipt(lang: &str) -> Canvas {
    let mut c = Canvas::new(620, 1300);
    c.text(BOLD, 34, 60, 80, "SUPERMARKT");
    let w = words(lang);
    let mut y = 160;
    for i in 0..18usize {
        let item = format!(
            "{:<16}{:>6}",
            w[i * 2],
            format!("{}.{:02}", 1 + i % 9, (i * 37) % 100)
        );
        c.text(MONO, 26, 40, y, &item);
        y += 44;
    }
    c.dotted(40, 580, y, 2, 8);
    c.text(MONO, 30, 40, y + 60, "TOTAL          84.16");
    c
}

fn figure(lang: &str) -> Canvas {
    let mut c = Canvas::new(1240, 1600);
    c.text(BOLD, 40, 80, 100, title(lang));
    let y = c.paragraph(SERIF, 26, 80, 170, 1080, prefix(sentences(lang), 300));
    c.rect(200, y + 20, 1040, y + 520, "gray80");
    c.args.extend([
        "-fill".into(),
        "gray30".into(),
        "-draw".into(),
        format!("circle 450,{} 450,{}", y + 270, y + 150),
        "-draw".into(),
        format!("circle 800,{} 800,{}", y + 270, y + 200),
    ]);
    let rest = &sentences(lang)[prefix(sentences(lang), 300).len()..];
    let y = c.paragraph(SANS, 22, 200, y + 570, 840, prefix(rest, 120));
    c.paragraph(SERIF, 26, 80, y + 20, 1080, prefix(sentences(lang), 250));
    c
}

fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageLuma8(image.clone())
        .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .expect("encoded");
    out
}

fn read(engine: &mut Engine, image: &GrayImage, lang: &str, name: &str) -> Page {
    let options = OcrOptions {
        lang: lang.into(),
        ..OcrOptions::default()
    };
    recognize_bytes(engine, &png(image), Path::new(name), &options).expect("recognised")
}

/// The share of the page's longer words (four letters or more) that the read contains.
fn found_words(page: &Page, truth: &str) -> f64 {
    let text = page.text();
    let want: Vec<&str> = truth
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    let hit = want.iter().filter(|w| text.contains(**w)).count();
    hit as f64 / want.len().max(1) as f64
}

/// Reads each page upright and turned by 90, 180 and 270 degrees clockwise; returns what went wrong.
fn check_pages(pages: Vec<(&'static str, &'static str, Canvas)>) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, lang, canvas) in pages {
        let mut engine = Engine::new(lang, None).expect("traineddata installed");
        let upright = canvas.render("white");
        for turn in [0u16, 90, 180, 270] {
            let image = match turn {
                90 => image::imageops::rotate90(&upright),
                180 => image::imageops::rotate180(&upright),
                270 => image::imageops::rotate270(&upright),
                _ => upright.clone(),
            };
            let page = read(&mut engine, &image, lang, name);
            let want = (360 - turn) % 360;
            let got = page.preprocessing.rotation;
            let found = found_words(&page, &canvas.text);
            let plain = page.preprocessing.read == ocr_core::ReadKind::Plain;
            // A page turned back reads; an upright page read plain is upright too.
            let upright_read = (got == want && !plain) || (turn == 0 && plain);
            if !upright_read || found < 0.6 {
                failures.push(format!(
                    "{name} ({lang}) turned {turn}: rotation {got} (want {want}), read {:?}, \
                     {:.0}% of its words found; evidence {:?}; notes {:?}",
                    page.preprocessing.read,
                    found * 100.0,
                    page.preprocessing.orientation_evidence,
                    page.preprocessing.notes
                ));
            }
        }
    }
    failures
}

/// A generated page: its name, its language and how to draw it.
type PageSpec = (&'static str, &'static str, fn() -> Canvas);

#[test]
fn generated_pages_stay_upright_and_turn_back() {
    let pages: Vec<PageSpec> = vec![
        ("table-rules", "eng", || table("eng", true)),
        ("table-no-rules", "fra", || table("fra", false)),
        ("slide", "deu", || slide("deu")),
        ("slide-en", "eng", || slide("eng")),
        ("two-columns", "eng", || columns("eng", 2)),
        ("three-columns", "fra", || columns("fra", 3)),
        ("chart", "deu", || chart("deu")),
        ("form", "eng", || form("eng")),
        ("receipt", "fra", || receipt("fra")),
        ("figure", "deu", || figure("deu")),
    ];
    // Two threads: the pages are independent, and the machine has few cores.
    let (even, odd): (Vec<_>, Vec<_>) =
        pages.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let run = |part: Vec<(usize, PageSpec)>| {
        check_pages(part.into_iter().map(|(_, (n, l, f))| (n, l, f())).collect())
    };
    let handle = std::thread::spawn(move || run(odd));
    let mut failures = run(even);
    failures.extend(handle.join().expect("thread"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn three_line_page_upside_down_comes_back() {
    // Issue 14, case 16: a page of three short lines, too few letters for the ascender count.
    let mut c = Canvas::new(900, 260);
    c.text(SERIF, 32, 40, 60, "la maison - the house");
    c.text(SERIF, 32, 40, 130, "le jardin - the garden");
    c.text(SERIF, 32, 40, 200, "la cuisine - the kitchen");
    let upright = c.render("white");
    let mut engine = Engine::new("fra", None).expect("French traineddata installed");
    let truth = "la maison - the house\nle jardin - the garden\nla cuisine - the kitchen\n";
    let page = read(&mut engine, &upright, "fra", "three.png");
    assert_eq!(page.preprocessing.rotation, 0, "{:?}", page.preprocessing);
    let c0 = cer(truth, &page.text());
    assert!(c0 <= 0.05, "upright CER {c0}: {}", page.text());

    let page = read(
        &mut engine,
        &image::imageops::rotate180(&upright),
        "fra",
        "three-180.png",
    );
    assert_eq!(page.preprocessing.rotation, 180, "{:?}", page.preprocessing);
    let c = cer(truth, &page.text());
    assert!(c <= 0.05, "CER {c}: {}", page.text());
    // The evidence is in the page: the turn was read and read well, and better than the page as
    // shown wherever that was read too.
    let ev = &page.preprocessing.orientation_evidence;
    let at = |r: u16| ev.iter().find(|c| c.rotation == r).map(|c| c.score);
    let turned = at(180).expect("180 read");
    assert!(ocr_core::reads_well(&turned), "{ev:?}");
    if let Some(as_is) = at(0) {
        assert!(turned.confidence > as_is.confidence, "{ev:?}");
    }
}

#[test]
fn short_vocabulary_lists_upside_down_come_back() {
    // Issue 14, case 16 again: an English-French list has too few English words for the
    // dictionary, and Tesseract reads its round sans letters upside down with confidence 69
    // ("asnoy - uosieuw"). Each list in each font, as it is and turned.
    let lists: [(&str, &[&str]); 2] = [
        (
            "eng",
            &["mouse - souris", "house - maison", "window - fenêtre"],
        ),
        (
            "eng",
            &[
                "the cat - die Katze",
                "the dog - der Hund",
                "the bird - der Vogel",
            ],
        ),
    ];
    let mut engine = Engine::new("eng", None).expect("English traineddata installed");
    let mut failures = Vec::new();
    for (lang, lines) in lists {
        for (font, name) in [(SANS, "sans"), (SERIF, "serif")] {
            // Set tight, as a label or a phone note is: lines 1.2 letter sizes apart.
            let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
            let mut c = Canvas::new(80 + 21 * longest, 225);
            for (i, line) in lines.iter().enumerate() {
                c.text(font, 40, 40, 78 + 47 * i as u32, line);
            }
            let truth: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let upright = c.render("white");
            for turn in [0u16, 180] {
                let image = if turn == 0 {
                    upright.clone()
                } else {
                    image::imageops::rotate180(&upright)
                };
                let page = read(&mut engine, &image, lang, &format!("{name}-{turn}.png"));
                let e = cer(&truth, &page.text());
                if page.preprocessing.rotation != turn || e > 0.05 {
                    failures.push(format!(
                        "{:?} in {name} at {turn}: rotation {}, CER {e:.3}: {:?} {:?}",
                        lines[0],
                        page.preprocessing.rotation,
                        page.text(),
                        page.preprocessing.orientation_evidence
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn light_text_on_a_dark_slide_is_read() {
    let mut c = Canvas::new(1600, 900);
    c.text_fill(BOLD, 90, 90, 160, title("eng"), "white");
    let w = words("eng");
    for (i, y) in [330u32, 470, 610, 750].into_iter().enumerate() {
        let bullet = format!("{} {} {}", w[i * 5], w[i * 5 + 1], w[i * 5 + 2]);
        c.text_fill(SANS, 60, 140, y, &bullet, "gray90");
    }
    let dark = c.render("gray15");
    let mut engine = Engine::new("eng", None).expect("English traineddata installed");
    let page = read(&mut engine, &dark, "eng", "dark-slide.png");
    let found = found_words(&page, &c.text);
    assert!(
        found >= 0.9,
        "{:.0}% found: {} {:?}",
        found * 100.0,
        page.text(),
        page.preprocessing
    );
    assert_eq!(page.preprocessing.rotation, 0);
}

#[test]
fn dotted_rules_and_big_type_are_not_enlarged() {
    // A table whose dotted leaders are many small dots, and a slide of big type: neither may be
    // enlarged.
    let mut engine = Engine::new("fra", None).expect("French traineddata installed");
    let page = read(
        &mut engine,
        &table("fra", false).render("white"),
        "fra",
        "t.png",
    );
    assert!(page.preprocessing.scale <= 1.0, "{:?}", page.preprocessing);
    let mut engine = Engine::new("deu", None).expect("German traineddata installed");
    let page = read(&mut engine, &slide("deu").render("white"), "deu", "s.png");
    assert!(page.preprocessing.scale <= 1.0, "{:?}", page.preprocessing);
}

#[test]
fn auto_reads_each_page_in_its_own_language() {
    let mut engine = Engine::new("auto", None).expect("traineddata installed");
    for (lang, canvas) in [
        ("fra", columns("fra", 2)),
        ("deu", figure("deu")),
        ("eng", table("eng", true)),
        ("fra", receipt("fra")),
    ] {
        let page = read(&mut engine, &canvas.render("white"), "auto", "page.png");
        let guess = page.preprocessing.language_guess.clone().expect("a guess");
        assert_eq!(page.language, lang, "{guess:?}");
        assert!(guess.sure && guess.confidence >= 0.5, "{guess:?}");
        assert!(found_words(&page, &canvas.text) >= 0.8, "{}", page.text());
    }
    // A page of figures and codes gives the model nothing to go on: the fallback reads it.
    let mut codes = Canvas::new(1200, 500);
    codes.text(SANS, 40, 80, 120, "A-1042   B-2210   C-7781");
    codes.text(SANS, 40, 80, 240, "X-9931   Y-4410   Z-5532");
    let page = read(&mut engine, &codes.render("white"), "auto", "codes.png");
    let guess = page.preprocessing.language_guess.expect("a guess");
    assert!(!guess.sure, "{guess:?}");
    assert_eq!(page.language, "eng");
}
