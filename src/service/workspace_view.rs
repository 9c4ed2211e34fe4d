//! The JSON shape of a room's workspace, whole (snapshots, reads) or only
//! the parts a change touched (change events, write answers).

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::workspace::{Link, Preview, Todo};
use crate::domain::{Cause, Workspace};

/// A todo as clients see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Todo)]
pub struct TodoView<'a> {
    /// Random, unique in the room.
    id: u64,
    /// What to do.
    content: &'a str,
    /// Done or not.
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
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Category)]
pub struct CategoryView<'a> {
    /// Random, unique in the room.
    id: u64,
    /// Unique in the room regardless of case.
    name: &'a str,
}

/// A link as clients see it, with its category's name.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Link)]
pub struct LinkView<'a> {
    /// Random, unique in the room.
    id: u64,
    /// The address.
    url: &'a str,
    /// Its category, if any.
    category_id: Option<u64>,
    /// That category's name.
    category_name: Option<&'a str>,
    /// What the server read from the page.
    #[schema(value_type = super::schema::PreviewShape)]
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
#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(as = Workspace)]
pub struct WorkspaceView<'a> {
    /// The todos, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    todos: Option<Vec<TodoView<'a>>>,
    /// The link categories.
    #[serde(skip_serializing_if = "Option::is_none")]
    categories: Option<Vec<CategoryView<'a>>>,
    /// The reference links.
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<LinkView<'a>>>,
    /// The retrospect's answers; null once it was removed.
    // `Some(None)` is a retrospect that was removed (serialised as null).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
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
