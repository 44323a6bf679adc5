//! Compiles the window layouts and styles into the binary's GResource bundle.

fn main() {
    glib_build_tools::compile_resources(
        &["resources"],
        "resources/resources.gresource.xml",
        "ocr-to-anki-gui.gresource",
    );
}
