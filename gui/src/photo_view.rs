//! A picture scaled to fit, with boxes drawn over it: the words to check, and the word selected.

use std::cell::{Cell, RefCell};

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene, gsk};
use ocr_core::BBox;

/// Where a picture of `src` pixels goes in a widget of `widget` pixels: its offset and scale.
pub fn fit(widget: (f32, f32), src: (f32, f32)) -> (f32, f32, f32) {
    if src.0 <= 0.0 || src.1 <= 0.0 {
        return (0.0, 0.0, 1.0);
    }
    let scale = (widget.0 / src.0).min(widget.1 / src.1);
    let (w, h) = (src.0 * scale, src.1 * scale);
    ((widget.0 - w) / 2.0, (widget.1 - h) / 2.0, scale)
}

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct PhotoView {
        pub texture: RefCell<Option<gdk::Texture>>,
        /// The size of the image the boxes are measured in (the texture may be smaller).
        pub source_size: Cell<(u32, u32)>,
        pub marked: RefCell<Vec<BBox>>,
        pub highlight: Cell<Option<BBox>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for PhotoView {
        const NAME: &'static str = "OtaPhotoView";
        type Type = super::PhotoView;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("photoview");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    impl ObjectImpl for PhotoView {}

    impl WidgetImpl for PhotoView {
        fn measure(&self, _orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            (64, 320, -1, -1)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let Some(texture) = self.texture.borrow().clone() else {
                return;
            };
            let widget = self.obj();
            let (sw, sh) = self.source_size.get();
            let (ox, oy, scale) = fit(
                (widget.width() as f32, widget.height() as f32),
                (sw as f32, sh as f32),
            );
            let place = |b: BBox| {
                graphene::Rect::new(
                    ox + b.x as f32 * scale,
                    oy + b.y as f32 * scale,
                    (b.width as f32 * scale).max(1.0),
                    (b.height as f32 * scale).max(1.0),
                )
            };
            snapshot.append_texture(&texture, &place(BBox::new(0, 0, sw, sh)));
            let mark = gdk::RGBA::new(0.96, 0.65, 0.14, 0.35);
            for b in self.marked.borrow().iter() {
                snapshot.append_color(&mark, &place(*b));
            }
            if let Some(b) = self.highlight.get() {
                let r = place(b);
                let grown = graphene::Rect::new(
                    r.x() - 3.0,
                    r.y() - 3.0,
                    r.width() + 6.0,
                    r.height() + 6.0,
                );
                let blue = gdk::RGBA::new(0.21, 0.52, 0.89, 1.0);
                snapshot.append_color(&gdk::RGBA::new(0.21, 0.52, 0.89, 0.2), &grown);
                snapshot.append_border(
                    &gsk::RoundedRect::from_rect(grown, 3.0),
                    &[3.0; 4],
                    &[blue; 4],
                );
            }
        }
    }
}

glib::wrapper! {
    /// Shows a page image fitted to its space, with word boxes over it.
    pub struct PhotoView(ObjectSubclass<imp::PhotoView>)
        @extends gtk::Widget,
        @implements gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for PhotoView {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl PhotoView {
    /// Shows `texture`, whose boxes are measured in an image of `source_size` pixels.
    pub fn set_picture(&self, texture: Option<&gdk::Texture>, source_size: (u32, u32)) {
        let imp = self.imp();
        imp.texture.replace(texture.cloned());
        imp.source_size.set(source_size);
        imp.marked.borrow_mut().clear();
        imp.highlight.set(None);
        self.queue_draw();
    }

    /// Marks these boxes (words to check).
    pub fn set_marked(&self, boxes: Vec<BBox>) {
        self.imp().marked.replace(boxes);
        self.queue_draw();
    }

    /// Outlines one box (the word selected), or none.
    pub fn set_highlight(&self, bbox: Option<BBox>) {
        self.imp().highlight.set(bbox);
        self.queue_draw();
    }

    /// The box outlined now.
    pub fn highlight(&self) -> Option<BBox> {
        self.imp().highlight.get()
    }

    /// The point of the source image under widget point (`x`, `y`), if the picture is there.
    pub fn to_source(&self, x: f64, y: f64) -> Option<(u32, u32)> {
        let (sw, sh) = self.imp().source_size.get();
        let (ox, oy, scale) = fit(
            (self.width() as f32, self.height() as f32),
            (sw as f32, sh as f32),
        );
        if !self.has_picture() || scale <= 0.0 {
            return None;
        }
        let sx = (x as f32 - ox) / scale;
        let sy = (y as f32 - oy) / scale;
        let inside = sx >= 0.0 && sy >= 0.0 && sx < sw as f32 && sy < sh as f32;
        inside.then_some((sx as u32, sy as u32))
    }

    /// The widget point where source point (`x`, `y`) is drawn.
    pub fn to_widget(&self, x: u32, y: u32) -> (f64, f64) {
        let (sw, sh) = self.imp().source_size.get();
        let (ox, oy, scale) = fit(
            (self.width() as f32, self.height() as f32),
            (sw as f32, sh as f32),
        );
        (
            f64::from(ox + x as f32 * scale),
            f64::from(oy + y as f32 * scale),
        )
    }

    /// Whether a picture is shown.
    pub fn has_picture(&self) -> bool {
        self.imp().texture.borrow().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_fitted_and_centred() {
        // A tall page in a wide widget: height decides, centred across.
        let (ox, oy, s) = fit((400.0, 200.0), (1000.0, 2000.0));
        assert!((s - 0.1).abs() < 1e-6);
        assert!((ox - 150.0).abs() < 1e-3 && oy.abs() < 1e-3);
        assert_eq!(fit((10.0, 10.0), (0.0, 5.0)), (0.0, 0.0, 1.0));
    }

    #[gtk::test]
    fn highlight_is_kept_until_the_picture_changes() {
        let view = PhotoView::default();
        let texture = gdk::MemoryTexture::new(
            2,
            2,
            gdk::MemoryFormat::R8g8b8a8,
            &glib::Bytes::from(&[255u8; 16][..]),
            8,
        );
        view.set_picture(Some(texture.upcast_ref()), (200, 200));
        view.set_highlight(Some(BBox::new(10, 10, 20, 5)));
        assert_eq!(view.highlight(), Some(BBox::new(10, 10, 20, 5)));
        view.set_picture(None, (0, 0));
        assert!(view.highlight().is_none() && !view.has_picture());
    }
}
