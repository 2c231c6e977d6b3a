//! Reading files the user chose or dropped, and offering files to download.
//! Downloads are made in the page (a Blob and a link); nothing is sent.

use gloo::file::File;
use wasm_bindgen::JsCast;

/// The name and bytes of a file the user picked.
pub async fn read(file: File) -> Result<(String, Vec<u8>), String> {
    let name = file.name();
    // Refused before reading: a 6 GB file read whole would kill the tab.
    let max_bytes = crate::import::MAX_FILE_BYTES as u64;
    if file.size() > max_bytes {
        return Err(format!(
            "{name} is {} bytes, over the limit of {max_bytes} bytes ({} MB): split the file or keep only the rows and columns you need",
            file.size(),
            max_bytes / (1024 * 1024)
        ));
    }
    gloo::file::futures::read_as_bytes(&file)
        .await
        .map(|bytes| (name.clone(), bytes))
        .map_err(|err| format!("{name} could not be read ({err})"))
}

/// The files of an `<input type=file>` change event.
pub fn from_input(event: &yew::Event) -> Vec<File> {
    let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = input
        .files()
        .map(|list| gloo::file::FileList::from(list).to_vec())
        .unwrap_or_default();
    // Let the same file be chosen again later.
    input.set_value("");
    files
}

/// The change handler of an `<input type=file>`: reads the first chosen file
/// and hands `then` its name and bytes, or why it could not be read.
pub fn on_choose(
    then: impl Fn(Result<(String, Vec<u8>), String>) + 'static,
) -> yew::Callback<yew::Event> {
    let then = std::rc::Rc::new(then);
    yew::Callback::from(move |event: yew::Event| {
        let Some(file) = from_input(&event).into_iter().next() else {
            return;
        };
        let then = then.clone();
        wasm_bindgen_futures::spawn_local(async move { then(read(file).await) });
    })
}

/// The files of a drop event.
pub fn from_drop(event: &yew::DragEvent) -> Vec<File> {
    event
        .data_transfer()
        .and_then(|dt| dt.files())
        .map(|list| gloo::file::FileList::from(list).to_vec())
        .unwrap_or_default()
}

/// Offers `contents` as a file download.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let blob = gloo::file::Blob::new_with_options(contents, Some(mime));
    let url = gloo::file::ObjectUrl::from(blob);
    let document = gloo::utils::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| "the download link could not be made".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "the download link could not be made".to_string())?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoking the URL at once can cancel the download; keep it a minute.
    gloo::timers::callback::Timeout::new(60_000, move || drop(url)).forget();
    Ok(())
}
