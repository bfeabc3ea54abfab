//! What only a web page does (wasm32): the page's title, the lesson named
//! in its address, and the Files section's downloads and file picker in
//! place of typed paths (natively: `disk`).
//!
//! Every browser call here fails softly: a page without a document (there is
//! none) or a refused download shows an error line, never a panic.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::{Closure, JsValue};

/// A config file read: its name for messages and its text, or why not.
pub type Picked = Result<(String, String), String>;

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn js_error(what: &str, e: JsValue) -> String {
    format!(
        "{what}: {}",
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    )
}

/// Set the page's title.
pub fn set_title(title: &str) {
    if let Some(d) = document() {
        d.set_title(title);
    }
}

/// Create the canvas's WebGL 2 context without multisampling, before
/// eframe asks for it (a canvas keeps its first context, and eframe takes
/// the browser's default, which multisamples). egui smooths its edges
/// itself; multisampling only quadruples the pixels a software rasteriser
/// (SwiftShader, with no GPU) shades and resolves each frame. Where WebGL 2
/// is missing eframe falls back as before.
pub fn plain_webgl(canvas: &web_sys::HtmlCanvasElement) {
    let options = web_sys::WebGlContextAttributes::new();
    options.set_antialias(false);
    let _ = canvas.get_context_with_context_options("webgl2", &options);
}

/// The value of `key` in the page address's query (`?lesson=wgan`).
pub fn query(key: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| {
            js_sys::decode_uri_component(v)
                .ok()
                .and_then(|s| s.as_string())
        })?
}

/// The Files section's downloads, and a config file picked but not yet taken.
#[derive(Debug, Default)]
pub struct Place {
    picked: Rc<RefCell<Option<Picked>>>,
}

impl Place {
    /// What relative paths are relative to: the page has no directory (a
    /// `csv(...)` target cannot be read there).
    pub fn dir(&self) -> &std::path::Path {
        std::path::Path::new("")
    }

    /// What the text fields name: the name of the download.
    pub const FIELDS: &str = "the name the browser downloads it as";

    /// What the page does instead of paths, and what it leaves to the
    /// desktop build.
    pub const NOTE: Option<&str> = Some(
        "In the browser, exports download under these names and Load config \
         opens a file picker. Typed paths, sweeps (ganscope sweep) and the \
         candle backend need the desktop build.",
    );

    pub fn new(_dir: std::path::PathBuf) -> Place {
        Place::default()
    }

    /// Download `bytes` as a file named `typed`; what was done, or why not.
    pub fn put(&self, typed: &str, bytes: &[u8], mime: &str) -> Result<String, String> {
        let name = typed.trim();
        download(name, bytes, mime).map_err(|e| js_error("cannot download", e))?;
        Ok(format!("downloaded {name}"))
    }

    /// Open the browser's file picker for a config file; the file's text
    /// arrives later ([`Place::take`]) and wakes the window.
    pub fn ask(&mut self, _typed: &str, ctx: &egui::Context) {
        if let Err(e) = pick(Rc::clone(&self.picked), ctx.clone()) {
            *self.picked.borrow_mut() = Some(Err(js_error("cannot open a file picker", e)));
        }
    }

    /// The config file picked, once the browser has read it.
    pub fn take(&mut self) -> Option<Picked> {
        self.picked.borrow_mut().take()
    }
}

/// A Blob of `bytes` and a click on a link to it.
fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let document = document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &props)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has its own reference now.
    web_sys::Url::revoke_object_url(&url)
}

/// A file input, clicked; its change handler reads the file as text into
/// `slot` and asks for a frame.
fn pick(slot: Rc<RefCell<Option<Picked>>>, ctx: egui::Context) -> Result<(), JsValue> {
    let document = document().ok_or("no document")?;
    let input: web_sys::HtmlInputElement = document.create_element("input")?.dyn_into()?;
    input.set_type("file");
    input.set_accept(".toml,text/plain");
    let chosen = input.clone();
    let on_change = Closure::once_into_js(move || {
        let Some(file) = chosen.files().and_then(|l| l.get(0)) else {
            return;
        };
        let name = file.name();
        let read = web_sys::FileReader::new().and_then(|reader| {
            let done = reader.clone();
            let (slot, ctx, name) = (Rc::clone(&slot), ctx.clone(), name.clone());
            let on_load = Closure::once_into_js(move || {
                let text = done.result().ok().and_then(|v| v.as_string());
                *slot.borrow_mut() = Some(
                    text.map(|t| (name.clone(), t))
                        .ok_or_else(|| format!("cannot read {name} as text")),
                );
                ctx.request_repaint();
            });
            reader.set_onload(Some(on_load.unchecked_ref()));
            reader.read_as_text(&file)
        });
        if let Err(e) = read {
            *slot.borrow_mut() = Some(Err(js_error(&format!("cannot read {name}"), e)));
            ctx.request_repaint();
        }
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.click();
    Ok(())
}
