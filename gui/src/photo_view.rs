//! A picture scaled to fit, with boxes drawn over it: the words to check, and the word selected.
//! It zooms (Ctrl+scroll, pinch, `+`/`-`, `0` to fit) around the pointer, and pans when zoomed
//! (scroll or drag), as an image viewer does.

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

/// A picture to show: a texture, and the size of the image its boxes are measured in (the
/// texture may be smaller).
pub type Picture = (gdk::Texture, (u32, u32));

/// The most a picture is enlarged past fitting.
pub const MAX_ZOOM: f32 = 16.0;

/// Where a picture goes when zoomed: `zoom` times the fitted scale, with source point `center`
/// at the middle of the widget, moved so no empty band shows along a side the picture overfills.
pub fn zoomed(
    widget: (f32, f32),
    src: (f32, f32),
    zoom: f32,
    center: (f32, f32),
) -> (f32, f32, f32) {
    let (fx, fy, fitted) = fit(widget, src);
    if zoom <= 1.0 {
        return (fx, fy, fitted);
    }
    let scale = fitted * zoom;
    let place = |w: f32, s: f32, c: f32| {
        let drawn = s * scale;
        if drawn <= w {
            (w - drawn) / 2.0
        } else {
            (w / 2.0 - c * scale).clamp(w - drawn, 0.0)
        }
    };
    (
        place(widget.0, src.0, center.0),
        place(widget.1, src.1, center.1),
        scale,
    )
}

mod imp {
    use super::*;

    pub struct PhotoView {
        pub texture: RefCell<Option<gdk::Texture>>,
        /// The size of the image the boxes are measured in (the texture may be smaller).
        pub source_size: Cell<(u32, u32)>,
        pub marked: RefCell<Vec<BBox>>,
        /// Image occlusion masks over the picture.
        pub masks: RefCell<Vec<BBox>>,
        pub highlight: Cell<Option<BBox>>,
        /// How much larger than fitted the picture is drawn (1: fitted).
        pub zoom: Cell<f32>,
        /// The source point drawn at the middle of the widget when zoomed.
        pub center: Cell<(f32, f32)>,
        /// The zoom when a pinch or a drag began, and where.
        pub gesture_start: Cell<(f32, (f32, f32))>,
        /// The part of the picture shown, fitted, instead of the whole (a card's words), and
        /// the clockwise quarter turn that makes its text upright.
        pub region: Cell<Option<BBox>>,
        pub region_turn: Cell<u16>,
    }

    impl Default for PhotoView {
        fn default() -> Self {
            PhotoView {
                texture: RefCell::default(),
                source_size: Cell::default(),
                marked: RefCell::default(),
                masks: RefCell::default(),
                highlight: Cell::default(),
                zoom: Cell::new(1.0),
                center: Cell::default(),
                gesture_start: Cell::new((1.0, (0.0, 0.0))),
                region: Cell::default(),
                region_turn: Cell::default(),
            }
        }
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

    impl ObjectImpl for PhotoView {
        fn constructed(&self) {
            self.parent_constructed();
            self.obj().add_controllers();
        }
    }

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
            if let Some(r) = self.region.get() {
                // Turned upright about the region's middle, fitted to the widget.
                let turn = self.region_turn.get();
                let (rw, rh) = (r.width as f32, r.height as f32);
                let turned = if turn % 180 == 90 { (rh, rw) } else { (rw, rh) };
                let (w, h) = (widget.width() as f32, widget.height() as f32);
                let (_, _, scale) = fit((w, h), turned);
                snapshot.push_clip(&graphene::Rect::new(0.0, 0.0, w, h));
                snapshot.save();
                snapshot.translate(&graphene::Point::new(w / 2.0, h / 2.0));
                snapshot.rotate(f32::from(turn));
                snapshot.scale(scale, scale);
                snapshot.translate(&graphene::Point::new(
                    -(r.x as f32 + rw / 2.0),
                    -(r.y as f32 + rh / 2.0),
                ));
                snapshot.append_texture(
                    &texture,
                    &graphene::Rect::new(0.0, 0.0, sw as f32, sh as f32),
                );
                for b in self.masks.borrow().iter() {
                    append_mask(
                        snapshot,
                        graphene::Rect::new(
                            b.x as f32,
                            b.y as f32,
                            b.width as f32,
                            b.height as f32,
                        ),
                        1.0 / scale,
                    );
                }
                snapshot.restore();
                snapshot.pop();
                return;
            }
            let (ox, oy, scale) = widget.view();
            snapshot.push_clip(&graphene::Rect::new(
                0.0,
                0.0,
                widget.width() as f32,
                widget.height() as f32,
            ));
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
            for b in self.masks.borrow().iter() {
                append_mask(snapshot, place(*b), 1.0);
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
            snapshot.pop();
        }
    }
}

/// One occlusion mask as Anki's reviewer draws the hidden ones: pale yellow, a dark border
/// `line` wide.
fn append_mask(snapshot: &gtk::Snapshot, rect: graphene::Rect, line: f32) {
    snapshot.append_color(&gdk::RGBA::new(1.0, 0.92, 0.64, 0.92), &rect);
    let dark = gdk::RGBA::new(0.13, 0.13, 0.13, 1.0);
    snapshot.append_border(
        &gsk::RoundedRect::from_rect(rect, 0.0),
        &[line; 4],
        &[dark; 4],
    );
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
        let same = imp.source_size.get() == source_size && imp.texture.borrow().is_some();
        imp.texture.replace(texture.cloned());
        imp.source_size.set(source_size);
        imp.region.set(None);
        if !same {
            imp.zoom.set(1.0);
        }
        imp.marked.borrow_mut().clear();
        imp.highlight.set(None);
        self.queue_draw();
    }

    /// Marks these boxes (words to check).
    pub fn set_marked(&self, boxes: Vec<BBox>) {
        self.imp().marked.replace(boxes);
        self.queue_draw();
    }

    /// Draws these occlusion masks (source pixels) over the picture.
    pub fn set_masks(&self, masks: Vec<BBox>) {
        self.imp().masks.replace(masks);
        self.queue_draw();
    }

    /// The occlusion masks drawn.
    pub fn masks(&self) -> Vec<BBox> {
        self.imp().masks.borrow().clone()
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

    /// Shows only `region` of the picture, fitted to the widget (a card's words on its page);
    /// zooming is then off.
    pub fn show_region(
        &self,
        texture: &gdk::Texture,
        source_size: (u32, u32),
        region: BBox,
        turn: u16,
    ) {
        self.set_picture(Some(texture), source_size);
        self.imp().region.set(Some(region));
        self.imp().region_turn.set(turn % 360);
        self.set_focusable(false);
        self.queue_draw();
    }

    /// Where the picture is drawn now: offset and scale.
    fn view(&self) -> (f32, f32, f32) {
        let imp = self.imp();
        let widget = (self.width() as f32, self.height() as f32);
        if let Some(r) = imp.region.get() {
            let (ox, oy, scale) = fit(widget, (r.width as f32, r.height as f32));
            return (ox - r.x as f32 * scale, oy - r.y as f32 * scale, scale);
        }
        let (sw, sh) = imp.source_size.get();
        zoomed(
            (self.width() as f32, self.height() as f32),
            (sw as f32, sh as f32),
            imp.zoom.get(),
            imp.center.get(),
        )
    }

    /// How much larger than fitted the picture is drawn (1: fitted).
    pub fn zoom(&self) -> f32 {
        self.imp().zoom.get()
    }

    /// Zooms to `zoom` times the fitted size (1 to [`MAX_ZOOM`]), keeping the source point
    /// under widget point `around` where it is.
    pub fn zoom_to(&self, zoom: f32, around: (f32, f32)) {
        let imp = self.imp();
        if !self.has_picture() || imp.region.get().is_some() {
            return;
        }
        let (ox, oy, scale) = self.view();
        let under = ((around.0 - ox) / scale, (around.1 - oy) / scale);
        let zoom = zoom.clamp(1.0, MAX_ZOOM);
        let (_, _, fitted) = fit((self.width() as f32, self.height() as f32), {
            let (sw, sh) = imp.source_size.get();
            (sw as f32, sh as f32)
        });
        let new = fitted * zoom;
        imp.zoom.set(zoom);
        imp.center.set((
            under.0 - (around.0 - self.width() as f32 / 2.0) / new,
            under.1 - (around.1 - self.height() as f32 / 2.0) / new,
        ));
        self.keep_center_inside();
        self.queue_draw();
    }

    /// Moves the zoomed picture by (`dx`, `dy`) widget pixels.
    pub fn pan(&self, dx: f32, dy: f32) {
        let imp = self.imp();
        let (_, _, scale) = self.view();
        let (cx, cy) = imp.center.get();
        imp.center.set((cx - dx / scale, cy - dy / scale));
        self.keep_center_inside();
        self.queue_draw();
    }

    /// Keeps the middle of the view on the picture, so panning stops at its edges.
    fn keep_center_inside(&self) {
        let imp = self.imp();
        let (ox, oy, scale) = self.view();
        let (w, h) = (self.width() as f32, self.height() as f32);
        // The center the drawing actually uses, after `zoomed` clamped it.
        imp.center
            .set(((w / 2.0 - ox) / scale, (h / 2.0 - oy) / scale));
    }

    /// Zoom with Ctrl+scroll, a pinch or the keys; pan with scroll or a drag once zoomed.
    fn add_controllers(&self) {
        self.set_focusable(true);
        let scroll = gtk::EventControllerScroll::new(gtk::EventControllerScrollFlags::BOTH_AXES);
        let pointer = std::rc::Rc::new(Cell::new((0.0f32, 0.0f32)));
        let motion = gtk::EventControllerMotion::new();
        let seen = std::rc::Rc::clone(&pointer);
        motion.connect_motion(move |_, x, y| seen.set((x as f32, y as f32)));
        self.add_controller(motion);
        scroll.connect_scroll(glib::clone!(
            #[weak(rename_to = view)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |c, dx, dy| {
                if c.current_event_state()
                    .contains(gdk::ModifierType::CONTROL_MASK)
                {
                    view.zoom_to(view.zoom() * 1.15f32.powf(-dy as f32), pointer.get());
                    glib::Propagation::Stop
                } else if view.zoom() > 1.0 {
                    view.pan(-dx as f32 * 40.0, -dy as f32 * 40.0);
                    glib::Propagation::Stop
                } else {
                    glib::Propagation::Proceed
                }
            }
        ));
        self.add_controller(scroll);

        let pinch = gtk::GestureZoom::new();
        pinch.connect_begin(glib::clone!(
            #[weak(rename_to = view)]
            self,
            move |g, _| {
                let at = g.bounding_box_center().unwrap_or_default();
                view.imp()
                    .gesture_start
                    .set((view.zoom(), (at.0 as f32, at.1 as f32)));
            }
        ));
        pinch.connect_scale_changed(glib::clone!(
            #[weak(rename_to = view)]
            self,
            move |_, scale| {
                let (start, at) = view.imp().gesture_start.get();
                view.zoom_to(start * scale as f32, at);
            }
        ));
        self.add_controller(pinch);

        let drag = gtk::GestureDrag::new();
        drag.connect_drag_update(glib::clone!(
            #[weak(rename_to = view)]
            self,
            move |_, x, y| {
                if view.zoom() <= 1.0 {
                    return;
                }
                let (_, (lx, ly)) = view.imp().gesture_start.get();
                view.pan(x as f32 - lx, y as f32 - ly);
                let zoom = view.zoom();
                view.imp().gesture_start.set((zoom, (x as f32, y as f32)));
            }
        ));
        drag.connect_drag_begin(glib::clone!(
            #[weak(rename_to = view)]
            self,
            move |_, _, _| {
                let zoom = view.zoom();
                view.imp().gesture_start.set((zoom, (0.0, 0.0)));
            }
        ));
        self.add_controller(drag);

        let keys = gtk::EventControllerKey::new();
        keys.connect_key_pressed(glib::clone!(
            #[weak(rename_to = view)]
            self,
            #[upgrade_or]
            glib::Propagation::Proceed,
            move |_, key, _, _| {
                let middle = (view.width() as f32 / 2.0, view.height() as f32 / 2.0);
                match key {
                    gdk::Key::plus | gdk::Key::equal | gdk::Key::KP_Add => {
                        view.zoom_to(view.zoom() * 1.5, middle);
                    }
                    gdk::Key::minus | gdk::Key::KP_Subtract => {
                        view.zoom_to(view.zoom() / 1.5, middle);
                    }
                    gdk::Key::_0 | gdk::Key::KP_0 => view.zoom_to(1.0, middle),
                    _ => return glib::Propagation::Proceed,
                }
                glib::Propagation::Stop
            }
        ));
        self.add_controller(keys);
    }

    /// The point of the source image under widget point (`x`, `y`), if the picture is there.
    pub fn to_source(&self, x: f64, y: f64) -> Option<(u32, u32)> {
        let (sw, sh) = self.imp().source_size.get();
        let (ox, oy, scale) = self.view();
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
        let (ox, oy, scale) = self.view();
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

    #[test]
    fn highlight_is_kept_until_the_picture_changes() {
        crate::tests::with_display(|| {
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
        });
    }

    #[test]
    fn a_zoomed_picture_fills_the_widget_and_stops_at_its_edges() {
        // Fitted: as before.
        assert_eq!(
            zoomed((400.0, 200.0), (1000.0, 2000.0), 1.0, (0.0, 0.0)),
            fit((400.0, 200.0), (1000.0, 2000.0))
        );
        // Twice the fitted size, centred on the top-left corner: pinned to the corner.
        let (ox, oy, s) = zoomed((400.0, 200.0), (1000.0, 2000.0), 4.0, (0.0, 0.0));
        assert!((s - 0.4).abs() < 1e-6);
        assert!((ox - 0.0).abs() < 1e-3 && oy.abs() < 1e-3, "{ox} {oy}");
        // Centred on the middle of the page.
        let (ox, oy, _) = zoomed((400.0, 200.0), (1000.0, 2000.0), 4.0, (500.0, 1000.0));
        assert!(
            (ox - (200.0 - 200.0)).abs() < 1e-3 && (oy - (100.0 - 400.0)).abs() < 1e-3,
            "{ox} {oy}"
        );
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_the_keys_zoom_and_fit() {
        crate::tests::with_display(|| {
            let window = gtk::Window::new();
            let view = PhotoView::default();
            window.set_child(Some(&view));
            window.set_default_size(400, 300);
            window.present();
            let texture = gdk::MemoryTexture::new(
                2,
                2,
                gdk::MemoryFormat::R8g8b8a8,
                &glib::Bytes::from(&[255u8; 16][..]),
                8,
            );
            view.set_picture(Some(texture.upcast_ref()), (1200, 1600));
            let ctx = glib::MainContext::default();
            let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while view.width() < 100 {
                assert!(std::time::Instant::now() < end, "laid out");
                ctx.iteration(true);
            }
            let (x, y) = view.to_widget(300, 500);
            view.zoom_to(5.0, (x as f32, y as f32));
            assert!((view.zoom() - 5.0).abs() < 1e-6);
            let (sx, sy) = view.to_source(x, y).expect("on the picture");
            assert!(sx.abs_diff(300) <= 1 && sy.abs_diff(500) <= 1, "{sx} {sy}");
            // Boxes follow: a word's box is drawn five times larger than fitted.
            let (a, _) = view.to_widget(300, 500);
            let (b, _) = view.to_widget(400, 500);
            let (_, _, fitted) = fit(
                (view.width() as f32, view.height() as f32),
                (1200.0, 1600.0),
            );
            assert!(((b - a) as f32 - 100.0 * fitted * 5.0).abs() < 0.5);
            // Panning past the edge stops there.
            view.pan(1.0e6, 1.0e6);
            assert_eq!(view.to_widget(0, 0), (0.0, 0.0));
            let keys = view
                .observe_controllers()
                .into_iter()
                .filter_map(|c| c.ok().and_downcast::<gtk::EventControllerKey>())
                .next()
                .expect("keys");
            let press = |key: gdk::Key| -> bool {
                keys.emit_by_name("key-pressed", &[&key, &0u32, &gdk::ModifierType::empty()])
            };
            assert!(press(gdk::Key::_0));
            assert!((view.zoom() - 1.0).abs() < 1e-6, "0 fits the picture");
            assert!(press(gdk::Key::plus));
            assert!((view.zoom() - 1.5).abs() < 1e-6);
            assert!(press(gdk::Key::minus));
            assert!((view.zoom() - 1.0).abs() < 1e-6);
            // Another page shown comes fitted.
            view.zoom_to(3.0, (10.0, 10.0));
            view.set_picture(Some(texture.upcast_ref()), (800, 600));
            assert!((view.zoom() - 1.0).abs() < 1e-6);
            window.close();
        });
    }
}
