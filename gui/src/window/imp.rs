//! The window's widgets and state.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use adw::subclass::prelude::*;
use gtk::prelude::*;
use gtk::{CompositeTemplate, gio, glib};

use super::PageEntry;
use crate::photo_view::PhotoView;
use crate::settings::Settings;
use crate::work::{Msg, Sender};

#[derive(CompositeTemplate)]
#[template(resource = "/io/github/OcrToAnki/ui/window.ui")]
pub struct Window {
    #[template_child]
    pub toasts: TemplateChild<adw::ToastOverlay>,
    #[template_child]
    pub stack: TemplateChild<adw::ViewStack>,
    #[template_child]
    pub progress_revealer: TemplateChild<gtk::Revealer>,
    #[template_child]
    pub progress: TemplateChild<gtk::ProgressBar>,
    #[template_child]
    pub pages_stack: TemplateChild<gtk::Stack>,
    #[template_child]
    pub pages_leaflet: TemplateChild<adw::Leaflet>,
    #[template_child]
    pub back_to_pages: TemplateChild<gtk::Button>,
    #[template_child]
    pub page_list: TemplateChild<gtk::ListBox>,
    #[template_child]
    pub photo: TemplateChild<PhotoView>,
    #[template_child]
    pub prepared: TemplateChild<PhotoView>,
    #[template_child]
    pub prepared_spinner: TemplateChild<gtk::Spinner>,
    #[template_child]
    pub page_info: TemplateChild<gtk::Label>,
    #[template_child]
    pub text: TemplateChild<gtk::TextView>,
    #[template_child]
    pub cards_stack: TemplateChild<gtk::Stack>,
    #[template_child]
    pub cards_info: TemplateChild<gtk::Label>,
    #[template_child]
    pub cards_empty: TemplateChild<adw::StatusPage>,
    #[template_child]
    pub generate_button: TemplateChild<gtk::Button>,
    #[template_child]
    pub card_list: TemplateChild<gtk::ListBox>,

    /// What the window remembers between runs, and where.
    pub settings: RefCell<Settings>,
    pub settings_path: RefCell<Option<PathBuf>>,
    /// The pages, in the order of the list.
    pub pages: RefCell<Vec<PageEntry>>,
    /// The cards being reviewed.
    pub cards: gio::ListStore,
    /// The page shown.
    pub current: Cell<Option<usize>>,
    /// Whether OCR, card generation or an export is under way.
    pub reading: Cell<bool>,
    pub generating: Cell<bool>,
    pub exporting: Cell<bool>,
    /// Set to stop the OCR under way.
    pub read_cancel: RefCell<Arc<AtomicBool>>,
    /// Set to stop the card generation under way.
    pub generate_cancel: RefCell<Arc<AtomicBool>>,
    /// Where the session is kept (none: not kept), and whether a save is due.
    pub session_path: RefCell<Option<PathBuf>>,
    pub save_due: Cell<bool>,
    /// Whether the last save failed (said once, not at every keystroke).
    pub save_failing: Cell<bool>,
    /// The cards as last exported, and those of an export under way.
    pub exported: RefCell<Vec<anki_export::Card>>,
    pub exporting_cards: RefCell<Vec<anki_export::Card>>,
    /// What to do once the export under way has succeeded.
    pub after_export: Cell<Option<super::After>>,
    /// The pages whose cards are being made, in the order of the documents sent.
    pub generating_pages: RefCell<Vec<PathBuf>>,
    /// The card deleted last and where it was, for Undo.
    pub deleted: RefCell<Option<(u32, crate::card_object::CardObject)>>,
    /// Set once the user has chosen to close with cards not exported.
    pub close_confirmed: Cell<bool>,
    /// The file dialog open now, kept alive until it answers.
    pub dialog: RefCell<Option<gtk::FileChooserNative>>,
    /// Where jobs report to.
    pub tx: Sender,
    pub rx: async_channel::Receiver<Msg>,
}

impl Default for Window {
    fn default() -> Self {
        let (tx, rx) = async_channel::unbounded();
        Window {
            toasts: TemplateChild::default(),
            stack: TemplateChild::default(),
            progress_revealer: TemplateChild::default(),
            progress: TemplateChild::default(),
            pages_stack: TemplateChild::default(),
            pages_leaflet: TemplateChild::default(),
            back_to_pages: TemplateChild::default(),
            page_list: TemplateChild::default(),
            photo: TemplateChild::default(),
            prepared: TemplateChild::default(),
            prepared_spinner: TemplateChild::default(),
            page_info: TemplateChild::default(),
            text: TemplateChild::default(),
            cards_stack: TemplateChild::default(),
            cards_info: TemplateChild::default(),
            cards_empty: TemplateChild::default(),
            generate_button: TemplateChild::default(),
            card_list: TemplateChild::default(),
            settings: RefCell::default(),
            settings_path: RefCell::default(),
            pages: RefCell::default(),
            cards: gio::ListStore::new::<crate::card_object::CardObject>(),
            current: Cell::default(),
            reading: Cell::default(),
            generating: Cell::default(),
            exporting: Cell::default(),
            read_cancel: RefCell::default(),
            generate_cancel: RefCell::default(),
            session_path: RefCell::default(),
            save_due: Cell::default(),
            save_failing: Cell::default(),
            exported: RefCell::default(),
            exporting_cards: RefCell::default(),
            after_export: Cell::default(),
            close_confirmed: Cell::default(),
            deleted: RefCell::default(),
            generating_pages: RefCell::default(),
            dialog: RefCell::default(),
            tx,
            rx,
        }
    }
}

#[glib::object_subclass]
impl ObjectSubclass for Window {
    const NAME: &'static str = "OtaWindow";
    type Type = super::Window;
    type ParentType = adw::ApplicationWindow;

    fn class_init(klass: &mut Self::Class) {
        PhotoView::ensure_type();
        klass.bind_template();
    }

    fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
        obj.init_template();
    }
}

impl ObjectImpl for Window {
    fn constructed(&self) {
        self.parent_constructed();
        self.obj().setup();
    }
}

impl WidgetImpl for Window {}

impl WindowImpl for Window {
    fn close_request(&self) -> glib::Propagation {
        if !self.obj().may_close() {
            return glib::Propagation::Stop;
        }
        self.obj().on_close();
        self.parent_close_request()
    }
}

impl ApplicationWindowImpl for Window {}
impl AdwApplicationWindowImpl for Window {}
