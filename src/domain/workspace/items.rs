//! The items a workspace holds.

use serde::{Deserialize, Serialize};

use super::values::{CategoryName, ItemId, LinkUrl, TodoContent};

/// One todo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    /// Random, unique in the room.
    pub id: ItemId,
    /// What to do.
    pub content: TodoContent,
    /// Done or not.
    pub checked: bool,
}

/// A category of links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// Random, unique in the room.
    pub id: ItemId,
    /// Its name, unique in the room regardless of case.
    pub name: CategoryName,
}

/// What the server read from a linked page when the link was added. Every
/// field is empty if the page could not be read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The page's `<title>`.
    pub head_title: String,
    /// `og:title`.
    pub og_title: String,
    /// `og:description` (or the `description` meta tag).
    pub description: String,
    /// `og:image`.
    pub image: String,
}

/// A reference link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Random, unique in the room.
    pub id: ItemId,
    /// The address.
    pub url: LinkUrl,
    /// Its category, if any.
    pub category: Option<ItemId>,
    /// The page's preview.
    pub preview: Preview,
}
