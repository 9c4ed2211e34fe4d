//! A pair room's shared workspace: todos, reference links in categories,
//! and the retrospect written at the end.
//!
//! Like the timer, it is pure: ids and link previews are made at the edges
//! and passed in with the commands.

mod items;
mod values;

use serde::{Deserialize, Serialize};

use super::DomainError;

pub use items::{Category, Link, Preview, Todo};
pub use values::{Answers, CategoryName, ItemId, LinkUrl, TodoContent};

/// Most todos in one room.
pub const MAX_TODOS: usize = 200;
/// Most categories in one room.
pub const MAX_CATEGORIES: usize = 30;
/// Most reference links in one room.
pub const MAX_LINKS: usize = 200;

/// A request to change the workspace. `id` always names the item: a new
/// one (drawn at random by the caller) for additions, an existing one
/// otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkspaceCommand {
    /// Append a todo.
    AddTodo {
        /// The new todo's id.
        id: ItemId,
        /// Its text.
        content: TodoContent,
    },
    /// Change a todo's text, checked state and/or place in the list, all at
    /// once; at least one must be given.
    UpdateTodo {
        /// The todo.
        id: ItemId,
        /// New text.
        content: Option<TodoContent>,
        /// New checked state.
        checked: Option<bool>,
        /// New index in the list (clamped to the list).
        to: Option<usize>,
    },
    /// Flip a todo's checked state.
    ToggleTodo {
        /// The todo.
        id: ItemId,
    },
    /// Remove a todo.
    DeleteTodo {
        /// The todo.
        id: ItemId,
    },
    /// Add a category (names are unique in a room, regardless of case).
    AddCategory {
        /// The new category's id.
        id: ItemId,
        /// Its name.
        name: CategoryName,
    },
    /// Rename a category.
    RenameCategory {
        /// The category.
        id: ItemId,
        /// Its new name.
        name: CategoryName,
    },
    /// Remove a category; its links lose it.
    DeleteCategory {
        /// The category.
        id: ItemId,
    },
    /// Add a link with its (possibly empty) preview.
    AddLink {
        /// The new link's id.
        id: ItemId,
        /// The address.
        url: LinkUrl,
        /// Its category, which must exist.
        category: Option<ItemId>,
        /// What the page showed when it was fetched.
        preview: Preview,
    },
    /// Remove a link.
    DeleteLink {
        /// The link.
        id: ItemId,
    },
    /// Write (or overwrite) the retrospect.
    SetRetrospect {
        /// The answers.
        answers: Answers,
    },
    /// Remove the retrospect.
    DeleteRetrospect,
}

impl WorkspaceCommand {
    /// A short name of what is asked, for counting commands.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AddTodo { .. } => "add_todo",
            Self::UpdateTodo { .. } => "update_todo",
            Self::ToggleTodo { .. } => "toggle_todo",
            Self::DeleteTodo { .. } => "delete_todo",
            Self::AddCategory { .. } => "add_category",
            Self::RenameCategory { .. } => "rename_category",
            Self::DeleteCategory { .. } => "delete_category",
            Self::AddLink { .. } => "add_link",
            Self::DeleteLink { .. } => "delete_link",
            Self::SetRetrospect { .. } => "set_retrospect",
            Self::DeleteRetrospect => "delete_retrospect",
        }
    }
}

/// Which part of the workspace a command changed, for the streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The todo list.
    Todos,
    /// The categories (and the links, when one is renamed or removed).
    Categories,
    /// The links.
    Links,
    /// The retrospect.
    Retrospect,
}

/// Todos, categories, links and the retrospect of one room.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    todos: Vec<Todo>,
    categories: Vec<Category>,
    links: Vec<Link>,
    retrospect: Option<Answers>,
}

fn not_found(what: &str) -> DomainError {
    DomainError::NotFound(format!("no {what} with that id in this room"))
}

impl Workspace {
    /// The todos, in order.
    pub fn todos(&self) -> &[Todo] {
        &self.todos
    }

    /// The categories, oldest first.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The links, oldest first.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The retrospect's answers, if written.
    pub fn retrospect(&self) -> Option<&Answers> {
        self.retrospect.as_ref()
    }

    /// A category by id.
    pub fn category(&self, id: ItemId) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Applies a command; returns the parts it changed.
    pub fn apply(&mut self, command: WorkspaceCommand) -> Result<Vec<Part>, DomainError> {
        use WorkspaceCommand as C;
        let parts = match command {
            C::AddTodo { id, content } => {
                self.refuse_used_id(id)?;
                if self.todos.len() >= MAX_TODOS {
                    return Err(DomainError::invalid(format!(
                        "a room has at most {MAX_TODOS} todos"
                    )));
                }
                self.todos.push(Todo {
                    id,
                    content,
                    checked: false,
                });
                vec![Part::Todos]
            }
            C::UpdateTodo {
                id,
                content,
                checked,
                to,
            } => {
                if content.is_none() && checked.is_none() && to.is_none() {
                    return Err(DomainError::invalid(
                        "nothing to change: give content, checked or position",
                    ));
                }
                let from = self.todo_index(id)?;
                let todo = &mut self.todos[from];
                if let Some(content) = content {
                    todo.content = content;
                }
                if let Some(checked) = checked {
                    todo.checked = checked;
                }
                if let Some(to) = to {
                    let todo = self.todos.remove(from);
                    let to = to.min(self.todos.len());
                    self.todos.insert(to, todo);
                }
                vec![Part::Todos]
            }
            C::ToggleTodo { id } => {
                let index = self.todo_index(id)?;
                self.todos[index].checked = !self.todos[index].checked;
                vec![Part::Todos]
            }
            C::DeleteTodo { id } => {
                let index = self.todo_index(id)?;
                self.todos.remove(index);
                vec![Part::Todos]
            }
            C::AddCategory { id, name } => {
                self.refuse_used_id(id)?;
                if self.categories.len() >= MAX_CATEGORIES {
                    return Err(DomainError::invalid(format!(
                        "a room has at most {MAX_CATEGORIES} categories"
                    )));
                }
                self.refuse_duplicate_category(&name, None)?;
                self.categories.push(Category { id, name });
                vec![Part::Categories]
            }
            C::RenameCategory { id, name } => {
                self.refuse_duplicate_category(&name, Some(id))?;
                let category = self
                    .categories
                    .iter_mut()
                    .find(|c| c.id == id)
                    .ok_or_else(|| not_found("category"))?;
                category.name = name;
                vec![Part::Categories, Part::Links]
            }
            C::DeleteCategory { id } => {
                let index = self
                    .categories
                    .iter()
                    .position(|c| c.id == id)
                    .ok_or_else(|| not_found("category"))?;
                self.categories.remove(index);
                for link in self.links.iter_mut().filter(|l| l.category == Some(id)) {
                    link.category = None;
                }
                vec![Part::Categories, Part::Links]
            }
            C::AddLink {
                id,
                url,
                category,
                preview,
            } => {
                self.refuse_used_id(id)?;
                if self.links.len() >= MAX_LINKS {
                    return Err(DomainError::invalid(format!(
                        "a room has at most {MAX_LINKS} links"
                    )));
                }
                if let Some(category) = category {
                    self.category(category)
                        .ok_or_else(|| not_found("category"))?;
                }
                self.links.push(Link {
                    id,
                    url,
                    category,
                    preview,
                });
                vec![Part::Links]
            }
            C::DeleteLink { id } => {
                let index = self
                    .links
                    .iter()
                    .position(|l| l.id == id)
                    .ok_or_else(|| not_found("link"))?;
                self.links.remove(index);
                vec![Part::Links]
            }
            C::SetRetrospect { answers } => {
                self.retrospect = Some(answers);
                vec![Part::Retrospect]
            }
            C::DeleteRetrospect => {
                if self.retrospect.take().is_none() {
                    return Err(not_found("retrospect"));
                }
                vec![Part::Retrospect]
            }
        };
        Ok(parts)
    }

    /// Refuses an id already used by an item of this room (random ids
    /// almost never collide; if one does, the caller draws another).
    fn refuse_used_id(&self, id: ItemId) -> Result<(), DomainError> {
        let used = self.todos.iter().any(|t| t.id == id)
            || self.categories.iter().any(|c| c.id == id)
            || self.links.iter().any(|l| l.id == id);
        if used {
            return Err(DomainError::conflict("that id is taken; try again"));
        }
        Ok(())
    }

    fn todo_index(&self, id: ItemId) -> Result<usize, DomainError> {
        self.todos
            .iter()
            .position(|t| t.id == id)
            .ok_or_else(|| not_found("todo"))
    }

    fn refuse_duplicate_category(
        &self,
        name: &CategoryName,
        except: Option<ItemId>,
    ) -> Result<(), DomainError> {
        let lower = name.as_str().to_lowercase();
        if self
            .categories
            .iter()
            .any(|c| Some(c.id) != except && c.name.as_str().to_lowercase() == lower)
        {
            return Err(DomainError::conflict(format!(
                "a category named {:?} already exists",
                name.as_str()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
