//! Behaviour of the workspace.

use super::*;

fn id(n: u64) -> ItemId {
    ItemId::new(n).unwrap()
}

fn with_todos(n: u64) -> Workspace {
    let mut w = Workspace::default();
    for i in 1..=n {
        let content = TodoContent::parse(&format!("todo {i}")).unwrap();
        w.apply(WorkspaceCommand::AddTodo { id: id(i), content })
            .unwrap();
    }
    w
}

fn order(w: &Workspace) -> Vec<u64> {
    w.todos().iter().map(|t| t.id.get()).collect()
}

#[test]
fn todos_are_added_in_order_and_moved_by_index() {
    let mut w = with_todos(4);
    assert_eq!(order(&w), [1, 2, 3, 4]);
    let move_to = |to| WorkspaceCommand::UpdateTodo {
        id: id(1),
        content: None,
        checked: None,
        to: Some(to),
    };
    w.apply(move_to(2)).unwrap();
    assert_eq!(order(&w), [2, 3, 1, 4]);
    w.apply(move_to(99)).unwrap();
    assert_eq!(order(&w), [2, 3, 4, 1], "an index past the end means last");
    w.apply(move_to(0)).unwrap();
    assert_eq!(order(&w), [1, 2, 3, 4]);
}

#[test]
fn a_todo_can_be_edited_checked_and_toggled() {
    let mut w = with_todos(1);
    let content = Some(TodoContent::parse("  new text ").unwrap());
    w.apply(WorkspaceCommand::UpdateTodo {
        id: id(1),
        content,
        checked: Some(true),
        to: None,
    })
    .unwrap();
    assert_eq!(w.todos()[0].content.as_str(), "new text");
    assert!(w.todos()[0].checked);
    w.apply(WorkspaceCommand::ToggleTodo { id: id(1) }).unwrap();
    assert!(!w.todos()[0].checked);
    let nothing = WorkspaceCommand::UpdateTodo {
        id: id(1),
        content: None,
        checked: None,
        to: None,
    };
    assert!(matches!(w.apply(nothing), Err(DomainError::Invalid(_))));
}

#[test]
fn unknown_items_are_not_found() {
    let mut w = with_todos(1);
    assert!(matches!(
        w.apply(WorkspaceCommand::DeleteTodo { id: id(9) }),
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        w.apply(WorkspaceCommand::DeleteLink { id: id(9) }),
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        w.apply(WorkspaceCommand::DeleteRetrospect),
        Err(DomainError::NotFound(_))
    ));
}

#[test]
fn limits_are_enforced() {
    let mut w = with_todos(MAX_TODOS as u64);
    let content = TodoContent::parse("one more").unwrap();
    assert!(matches!(
        w.apply(WorkspaceCommand::AddTodo {
            id: id(100_000),
            content
        }),
        Err(DomainError::Invalid(_))
    ));
    assert!(TodoContent::parse("").is_err());
    assert!(TodoContent::parse(&"x".repeat(256)).is_err());
    assert!(CategoryName::parse(&"가".repeat(11)).is_err());
    assert!(Answers::new(vec![String::new(); 7]).is_err());
    assert!(Answers::new(vec!["x".repeat(1001)]).is_err());
    assert!(Answers::new(vec!["line\nbreak".into(), String::new()]).is_ok());
    assert!(ItemId::new(0).is_err() && ItemId::new(1 << 53).is_err());
}

#[test]
fn links_must_be_http_urls() {
    for bad in [
        "",
        "ftp://x.org/a",
        "javascript:alert(1)",
        "http://",
        "not a url",
    ] {
        assert!(LinkUrl::parse(bad).is_err(), "{bad:?} accepted");
    }
    assert!(LinkUrl::parse(&format!("https://x.org/{}", "a".repeat(1100))).is_err());
    assert!(LinkUrl::parse("https://docs.rs/axum").is_ok());
}

#[test]
fn category_names_are_unique_and_deleting_one_unlinks_its_links() {
    let mut w = Workspace::default();
    let name = |n: &str| CategoryName::parse(n).unwrap();
    w.apply(WorkspaceCommand::AddCategory {
        id: id(1),
        name: name("docs"),
    })
    .unwrap();
    assert!(matches!(
        w.apply(WorkspaceCommand::AddCategory {
            id: id(2),
            name: name("DOCS")
        }),
        Err(DomainError::Conflict(_))
    ));
    let url = LinkUrl::parse("https://docs.rs").unwrap();
    let add = WorkspaceCommand::AddLink {
        id: id(3),
        url,
        category: Some(id(1)),
        preview: Preview::default(),
    };
    w.apply(add).unwrap();
    let parts = w
        .apply(WorkspaceCommand::DeleteCategory { id: id(1) })
        .unwrap();
    assert_eq!(parts, [Part::Categories, Part::Links]);
    assert_eq!(w.links()[0].category, None);
    let url = LinkUrl::parse("https://docs.rs").unwrap();
    let orphan = WorkspaceCommand::AddLink {
        id: id(4),
        url,
        category: Some(id(1)),
        preview: Preview::default(),
    };
    assert!(matches!(w.apply(orphan), Err(DomainError::NotFound(_))));
}

#[test]
fn ids_are_unique_within_a_room() {
    let mut w = with_todos(2);
    let content = TodoContent::parse("again").unwrap();
    assert!(matches!(
        w.apply(WorkspaceCommand::AddTodo { id: id(2), content }),
        Err(DomainError::Conflict(_))
    ));
    assert!(ItemId::from_random([0xff; 8]).get() < 1 << 53);
}

#[test]
fn the_workspace_round_trips_through_json() {
    let mut w = with_todos(3);
    w.apply(WorkspaceCommand::SetRetrospect {
        answers: Answers::new(vec!["good".into()]).unwrap(),
    })
    .unwrap();
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(serde_json::from_str::<Workspace>(&json).unwrap(), w);
}
