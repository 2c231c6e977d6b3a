//! Directory screen (being built in parallel; see the directory worktree).

use yew::prelude::*;

#[component]
pub fn DirectoryScreen() -> Html {
    html! { <section aria-labelledby="directory-title"><h1 id="directory-title">{ "Directory" }</h1></section> }
}
