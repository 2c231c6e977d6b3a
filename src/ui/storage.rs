//! The workspace in the browser's IndexedDB (through `rexie`): one object
//! store, one record holding the workspace as JSON. Nothing else is stored
//! anywhere, and `clear` deletes the whole database.

use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;

use crate::workspace::Workspace;

const DB_NAME: &str = "signpost";
const STORE: &str = "workspace";
const KEY: &str = "current";

async fn open() -> Result<Rexie, String> {
    Rexie::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::new(STORE))
        .build()
        .await
        .map_err(|err| format!("the browser's storage could not be opened ({err})"))
}

/// Reads the saved workspace; `Ok(None)` when nothing was saved yet.
pub async fn load() -> Result<Option<Workspace>, String> {
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadOnly)
        .map_err(|err| err.to_string())?;
    let store = tx.store(STORE).map_err(|err| err.to_string())?;
    let value = store
        .get(JsValue::from_str(KEY))
        .await
        .map_err(|err| err.to_string())?;
    db.close();
    let Some(text) = value.and_then(|v| v.as_string()) else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|err| format!("the saved workspace could not be read ({err}); import an exported copy or clear all data"))
}

/// Saves the workspace, replacing the previous one.
pub async fn save(workspace: &Workspace) -> Result<(), String> {
    let text = serde_json::to_string(workspace).map_err(|err| err.to_string())?;
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadWrite)
        .map_err(|err| err.to_string())?;
    let store = tx.store(STORE).map_err(|err| err.to_string())?;
    store
        .put(&JsValue::from_str(&text), Some(&JsValue::from_str(KEY)))
        .await
        .map_err(|err| format!("the workspace could not be saved in this browser ({err})"))?;
    tx.done().await.map_err(|err| err.to_string())?;
    db.close();
    Ok(())
}

/// Deletes everything Signpost stored in this browser. (It empties the
/// store rather than deleting the database: deleting waits for every open
/// connection, such as another tab's, and could hang.)
pub async fn clear() -> Result<(), String> {
    let failed = |err: rexie::Error| format!("the browser's storage could not be cleared ({err})");
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadWrite)
        .map_err(failed)?;
    let store = tx.store(STORE).map_err(failed)?;
    store.clear().await.map_err(failed)?;
    tx.done().await.map_err(failed)?;
    db.close();
    Ok(())
}
