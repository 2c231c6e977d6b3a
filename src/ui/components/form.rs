//! Reading form controls from their events, for every screen: the value of
//! the `<input>`, `<select>` or `<textarea>` an event came from, and whether
//! a checkbox is ticked. An event from anything else reads as empty.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::Event;

/// The value of the control an event came from ("" when it has none).
pub fn value(event: &Event) -> String {
    let Some(target) = event.target() else {
        return String::new();
    };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else {
        String::new()
    }
}

/// The control's value read as a finite number, if it is one.
pub fn number(event: &Event) -> Option<f64> {
    value(event)
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Whether the checkbox an event came from is ticked.
pub fn checked(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|input| input.checked())
}

/// A share as a whole percentage: 0.756 -> "76%".
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}
