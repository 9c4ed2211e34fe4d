//! The `RoomStore` contract, checked the same way on every store: each
//! check below runs once on a fresh SQLite file (`sqlite::...`) and once on
//! a fresh PostgreSQL database (`postgres::...`, skipped when PostgreSQL
//! cannot be reached; see `common::postgres`).

mod common;

use std::sync::Arc;

use pairroom::domain::workspace::{ItemId, TodoContent};
use pairroom::domain::{
    AccessCode, Command, Participants, PhaseDuration, Plan, Room, WorkspaceCommand,
};
use pairroom::store::{RoomStore, StoreError, Versioned};

/// Runs every named check against each store, as `sqlite::CHECK` and
/// `postgres::CHECK`.
macro_rules! contract {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $check() {
                    let dir = tempfile::tempdir().unwrap();
                    let url = format!("sqlite://{}/rooms.db", dir.path().display());
                    let store = pairroom::store::SqliteStore::open(&url, false).await.unwrap();
                    super::$check(std::sync::Arc::new(store)).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(db) = crate::common::postgres::TestDatabase::create().await else {
                        return;
                    };
                    let store = pairroom::store::PostgresStore::open(&db.url).await.unwrap();
                    super::$check(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}

contract!(
    a_room_reads_back_as_inserted_at_version_1,
    a_second_insert_of_a_code_is_a_duplicate,
    an_update_succeeds_only_from_the_stored_version,
    versions_grow_by_one_with_every_update,
    of_concurrent_updates_from_one_version_exactly_one_wins,
    the_workspace_is_written_only_when_flagged,
    todos_point_at_their_room_while_they_exist,
    running_lists_exactly_the_running_deadlines,
    purging_removes_the_longest_idle_rooms_first_with_their_todos,
);

type Store = Arc<dyn RoomStore>;

/// A two-person room with one minute-long phase, created at 1 s.
fn room(seed: u8) -> Room {
    let people = Participants::parse(&["Ann", "Bob"]).unwrap();
    let plan = Plan::single("Round", PhaseDuration::from_ms(60_000).unwrap());
    Room::new(AccessCode::from_random([seed; 9]), people, plan, 1_000)
}

fn add_todo(room: &mut Room, id: u64, now_ms: i64) {
    let add = WorkspaceCommand::AddTodo {
        id: ItemId::new(id).unwrap(),
        content: TodoContent::parse(&format!("todo {id}")).unwrap(),
    };
    room.apply(Command::Workspace(add), now_ms).unwrap();
}

async fn stored(store: &Store, room: &Room) -> Versioned {
    store.load(room.code()).await.unwrap().expect("stored")
}

async fn a_room_reads_back_as_inserted_at_version_1(store: Store) {
    let r = room(1);
    store.insert(&r, 1_000).await.unwrap();
    assert_eq!(
        stored(&store, &r).await,
        Versioned {
            version: 1,
            room: r.clone()
        }
    );
    let unknown = AccessCode::from_random([99; 9]);
    assert!(store.load(&unknown).await.unwrap().is_none());
    store.ping().await.unwrap();
}

async fn a_second_insert_of_a_code_is_a_duplicate(store: Store) {
    let first = room(2);
    store.insert(&first, 1_000).await.unwrap();
    let people = Participants::parse(&["Cid", "Dan"]).unwrap();
    let plan = Plan::single("Other", PhaseDuration::from_ms(5_000).unwrap());
    let same_code = Room::new(first.code().clone(), people, plan, 2_000);
    assert!(matches!(
        store.insert(&same_code, 2_000).await,
        Err(StoreError::Duplicate)
    ));
    assert_eq!(stored(&store, &first).await.room, first, "first one kept");
}

async fn an_update_succeeds_only_from_the_stored_version(store: Store) {
    let mut r = room(3);
    store.insert(&r, 1_000).await.unwrap();
    r.apply(Command::Start, 2_000).unwrap();
    assert!(store.update(1, &r, false, 2_000).await.unwrap());

    // A writer that read version 1 loses, and changes nothing.
    let mut stale = r.clone();
    stale.apply(Command::Pause, 3_000).unwrap();
    assert!(!store.update(1, &stale, false, 3_000).await.unwrap());
    assert_eq!(
        stored(&store, &r).await,
        Versioned {
            version: 2,
            room: r.clone()
        }
    );
    // Nor does an update of a room that was never stored.
    assert!(!store.update(1, &room(4), false, 3_000).await.unwrap());
    assert!(store.load(room(4).code()).await.unwrap().is_none());
}

async fn versions_grow_by_one_with_every_update(store: Store) {
    let mut r = room(5);
    store.insert(&r, 1_000).await.unwrap();
    for version in 1..=10u64 {
        let now = 1_000 + version as i64 * 100;
        let command = if version % 2 == 1 {
            Command::Start
        } else {
            Command::Pause
        };
        r.apply(command, now).unwrap();
        assert!(store.update(version, &r, false, now).await.unwrap());
        assert_eq!(stored(&store, &r).await.version, version + 1);
    }
    assert_eq!(stored(&store, &r).await.room, r);
}

async fn of_concurrent_updates_from_one_version_exactly_one_wins(store: Store) {
    let r = room(6);
    store.insert(&r, 1_000).await.unwrap();
    let writers: Vec<_> = (0..8u64)
        .map(|i| {
            let store = store.clone();
            let mut mine = r.clone();
            add_todo(&mut mine, 100 + i, 2_000);
            tokio::spawn(async move {
                let won = store.update(1, &mine, true, 2_000).await.unwrap();
                (won, mine)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for writer in writers {
        let (won, mine) = writer.await.unwrap();
        if won {
            winners.push(mine);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer wins");
    let now = stored(&store, &r).await;
    assert_eq!(now.version, 2);
    assert_eq!(now.room, winners[0]);
    // Only the winner's todo is indexed.
    let winner_todo = winners[0].workspace().todos()[0].id.get();
    for i in 0..8u64 {
        let expected = (100 + i == winner_todo).then(|| r.code().clone());
        assert_eq!(store.room_of_todo(100 + i).await.unwrap(), expected);
    }
}

async fn the_workspace_is_written_only_when_flagged(store: Store) {
    let mut r = room(7);
    store.insert(&r, 1_000).await.unwrap();
    let before = r.workspace().clone();
    add_todo(&mut r, 42, 2_000);
    r.apply(Command::Start, 2_000).unwrap();

    // Not flagged: the room is written, its workspace column is not.
    assert!(store.update(1, &r, false, 2_000).await.unwrap());
    let read = stored(&store, &r).await;
    assert_eq!(read.version, 2);
    assert_eq!(read.room.timer(), r.timer());
    assert_eq!(read.room.workspace(), &before);
    assert_eq!(store.room_of_todo(42).await.unwrap(), None);

    // Flagged: both are.
    assert!(store.update(2, &r, true, 3_000).await.unwrap());
    assert_eq!(stored(&store, &r).await.room, r);
    assert_eq!(
        store.room_of_todo(42).await.unwrap(),
        Some(r.code().clone())
    );
}

async fn todos_point_at_their_room_while_they_exist(store: Store) {
    let mut a = room(8);
    let mut b = room(9);
    store.insert(&a, 1_000).await.unwrap();
    store.insert(&b, 1_000).await.unwrap();
    add_todo(&mut a, 1, 2_000);
    add_todo(&mut a, 2, 2_000);
    add_todo(&mut b, 3, 2_000);
    assert!(store.update(1, &a, true, 2_000).await.unwrap());
    assert!(store.update(1, &b, true, 2_000).await.unwrap());
    assert_eq!(store.room_of_todo(1).await.unwrap(), Some(a.code().clone()));
    assert_eq!(store.room_of_todo(2).await.unwrap(), Some(a.code().clone()));
    assert_eq!(store.room_of_todo(3).await.unwrap(), Some(b.code().clone()));
    assert_eq!(store.room_of_todo(4).await.unwrap(), None);

    let delete = WorkspaceCommand::DeleteTodo {
        id: ItemId::new(1).unwrap(),
    };
    a.apply(Command::Workspace(delete), 3_000).unwrap();
    assert!(store.update(2, &a, true, 3_000).await.unwrap());
    assert_eq!(store.room_of_todo(1).await.unwrap(), None);
    assert_eq!(store.room_of_todo(2).await.unwrap(), Some(a.code().clone()));
    assert_eq!(store.room_of_todo(3).await.unwrap(), Some(b.code().clone()));
}

async fn running_lists_exactly_the_running_deadlines(store: Store) {
    let mut running = room(10);
    let idle = room(11);
    let mut paused = room(12);
    for r in [&running, &idle, &paused] {
        store.insert(r, 1_000).await.unwrap();
    }
    assert_eq!(store.running().await.unwrap(), vec![]);
    running.apply(Command::Start, 2_000).unwrap();
    assert!(store.update(1, &running, false, 2_000).await.unwrap());
    paused.apply(Command::Start, 2_000).unwrap();
    assert!(store.update(1, &paused, false, 2_000).await.unwrap());
    paused.apply(Command::Pause, 3_000).unwrap();
    assert!(store.update(2, &paused, false, 3_000).await.unwrap());
    assert_eq!(
        store.running().await.unwrap(),
        vec![(running.code().clone(), 62_000)]
    );
}

async fn purging_removes_the_longest_idle_rooms_first_with_their_todos(store: Store) {
    let oldest = room(20);
    let mut older = room(21);
    let recent = room(22);
    store.insert(&oldest, 1_000).await.unwrap();
    store.insert(&older, 1_000).await.unwrap();
    add_todo(&mut older, 7, 2_000);
    assert!(store.update(1, &older, true, 2_000).await.unwrap());
    store.insert(&recent, 5_000).await.unwrap();

    let first = store.purge_idle(3_000, 1).await.unwrap();
    assert_eq!(first, vec![oldest.code().clone()], "the longest idle first");
    let second = store.purge_idle(3_000, 10).await.unwrap();
    assert_eq!(second, vec![older.code().clone()]);
    assert!(store.purge_idle(3_000, 10).await.unwrap().is_empty());

    assert!(store.load(oldest.code()).await.unwrap().is_none());
    assert!(store.load(older.code()).await.unwrap().is_none());
    assert_eq!(
        store.room_of_todo(7).await.unwrap(),
        None,
        "its todos went too"
    );
    assert_eq!(stored(&store, &recent).await.version, 1);
    // A code freed by purging can be used again.
    store.insert(&oldest, 6_000).await.unwrap();
}
