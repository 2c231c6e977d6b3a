//! Simulator screen (being built in parallel; see the simulator worktree).

use yew::prelude::*;

#[component]
pub fn SimulatorScreen() -> Html {
    html! { <section aria-labelledby="simulator-title"><h1 id="simulator-title">{ "Simulator" }</h1></section> }
}
