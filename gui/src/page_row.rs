//! A row of the page list: thumbnail, file name, and where the page stands.

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{CompositeTemplate, gdk, glib};

mod imp {
    use super::*;

    #[derive(Default, CompositeTemplate)]
    #[template(resource = "/io/github/OcrToAnki/ui/page_row.ui")]
    pub struct PageRow {
        #[template_child]
        pub thumb: TemplateChild<gtk::Picture>,
        #[template_child]
        pub title: TemplateChild<gtk::Label>,
        #[template_child]
        pub status: TemplateChild<gtk::Label>,
        #[template_child]
        pub spinner: TemplateChild<gtk::Spinner>,
        #[template_child]
        pub problem: TemplateChild<gtk::Image>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for PageRow {
        const NAME: &'static str = "OtaPageRow";
        type Type = super::PageRow;
        type ParentType = gtk::ListBoxRow;

        fn class_init(klass: &mut Self::Class) {
            klass.bind_template();
        }

        fn instance_init(obj: &glib::subclass::InitializingObject<Self>) {
            obj.init_template();
        }
    }

    impl ObjectImpl for PageRow {}
    impl WidgetImpl for PageRow {}
    impl ListBoxRowImpl for PageRow {}
}

glib::wrapper! {
    /// One page in the list.
    pub struct PageRow(ObjectSubclass<imp::PageRow>)
        @extends gtk::ListBoxRow, gtk::Widget,
        @implements gtk::Actionable, gtk::Buildable, gtk::ConstraintTarget;
}

/// Where a page stands, as its row shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    /// Nothing is happening.
    Idle,
    /// Work is under way.
    Busy,
    /// Something failed; the status says what.
    Failed,
}

impl PageRow {
    /// A row for the file called `name`.
    pub fn new(name: &str) -> Self {
        let row: Self = glib::Object::new();
        row.imp().title.set_text(name);
        row.set_tooltip_text(Some(name));
        row
    }

    /// Shows the thumbnail.
    pub fn set_thumb(&self, texture: &gdk::Texture) {
        self.imp().thumb.set_paintable(Some(texture));
    }

    /// Shows where the page stands.
    pub fn set_status(&self, text: &str, state: RowState) {
        let imp = self.imp();
        imp.status.set_text(text);
        imp.status.set_tooltip_text(Some(text));
        imp.spinner.set_visible(state == RowState::Busy);
        imp.spinner.set_spinning(state == RowState::Busy);
        imp.problem.set_visible(state == RowState::Failed);
    }

    /// The status line (for tests).
    pub fn status(&self) -> String {
        self.imp().status.text().into()
    }
}
