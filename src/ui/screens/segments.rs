//! Segments screen (being built in parallel; see the segments worktree).

use yew::prelude::*;

#[component]
pub fn SegmentsScreen() -> Html {
    html! { <section aria-labelledby="segments-title"><h1 id="segments-title">{ "Segments" }</h1></section> }
}
