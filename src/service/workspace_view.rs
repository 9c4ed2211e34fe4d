//! The JSON shape of a room's workspace, whole (snapshots, reads) or only
//! the parts a change touched (change events, write answers).

use serde::Serialize;

use crate::domain::workspace::{Link, Preview, Todo};
use crate::domain::{Cause, Workspace};

/// A todo as clients see it.
#[derive(Debug, Serialize)]
pub struct TodoView<'a> {
    id: u64,
    content: &'a str,
    checked: bool,
}

impl<'a> From<&'a Todo> for TodoView<'a> {
    fn from(todo: &'a Todo) -> Self {
        Self {
            id: todo.id.get(),
            content: todo.content.as_str(),
            checked: todo.checked,
        }
    }
}

/// A category as clients see it.
#[derive(Debug, Serialize)]
pub struct CategoryView<'a> {
    id: u64,
    name: &'a str,
}

/// A link as clients see it, with its category's name.
#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    id: u64,
    url: &'a str,
    category_id: Option<u64>,
    category_name: Option<&'a str>,
    preview: &'a Preview,
}

impl<'a> LinkView<'a> {
    /// The view of one link of `workspace`.
    pub fn new(link: &'a Link, workspace: &'a Workspace) -> Self {
        let category = link.category.and_then(|id| workspace.category(id));
        Self {
            id: link.id.get(),
            url: link.url.as_str(),
            category_id: category.map(|c| c.id.get()),
            category_name: category.map(|c| c.name.as_str()),
            preview: &link.preview,
        }
    }
}

/// The workspace, or some of its parts.
#[derive(Debug, Default, Serialize)]
pub struct WorkspaceView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    todos: Option<Vec<TodoView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    categories: Option<Vec<CategoryView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<LinkView<'a>>>,
    /// `Some(None)` is a retrospect that was removed (serialised as null).
    #[serde(skip_serializing_if = "Option::is_none")]
    retrospect: Option<Option<&'a [String]>>,
}

impl<'a> WorkspaceView<'a> {
    /// Every part.
    pub fn all(workspace: &'a Workspace) -> Self {
        Self::parts(
            workspace,
            &[
                Cause::Todos,
                Cause::Categories,
                Cause::Links,
                Cause::Retrospect,
            ],
        )
    }

    /// The parts named by `causes` (none if no cause touched the workspace).
    pub fn parts(workspace: &'a Workspace, causes: &[Cause]) -> Self {
        let has = |cause| causes.contains(&cause);
        Self {
            todos: has(Cause::Todos)
                .then(|| workspace.todos().iter().map(TodoView::from).collect()),
            categories: has(Cause::Categories).then(|| {
                workspace
                    .categories()
                    .iter()
                    .map(|c| CategoryView {
                        id: c.id.get(),
                        name: c.name.as_str(),
                    })
                    .collect()
            }),
            links: has(Cause::Links).then(|| {
                workspace
                    .links()
                    .iter()
                    .map(|l| LinkView::new(l, workspace))
                    .collect()
            }),
            retrospect: has(Cause::Retrospect)
                .then(|| workspace.retrospect().map(|a| a.as_slice())),
        }
    }

    /// Whether no part is included.
    pub fn is_empty(&self) -> bool {
        self.todos.is_none()
            && self.categories.is_none()
            && self.links.is_none()
            && self.retrospect.is_none()
    }
}
