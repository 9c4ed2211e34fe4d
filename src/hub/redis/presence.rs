//! Who is connected to a room through which instance, in one Redis sorted
//! set per room.
//!
//! A member is `INSTANCE\nNAME`, scored with the time (ms) until which it
//! counts. Each instance rewrites its own members when its local names
//! change and pushes their expiry forward on a timer; a crashed instance
//! stops doing so, and its members stop counting when their time passes.
//! The scores come from each instance's clock, so instances must keep
//! their clocks roughly in step (NTP), as for the deadlines themselves.

use std::collections::{BTreeSet, HashMap};

use redis::aio::ConnectionManager;

use super::BusConfig;
use super::wire::Message;
use crate::domain::AccessCode;

/// One instance's view of presence in Redis.
pub(super) struct Presence<'a> {
    pub(super) config: &'a BusConfig,
    pub(super) instance: &'a str,
    pub(super) now_ms: i64,
}

impl Presence<'_> {
    fn member(&self, name: &str) -> String {
        format!("{}\n{name}", self.instance)
    }

    fn expiry(&self) -> i64 {
        self.now_ms + self.config.presence_ttl.as_millis() as i64
    }

    /// Replaces this instance's names in a room and tells the instances
    /// that follow the room to read it again.
    pub(super) async fn write(
        &self,
        connection: &mut ConnectionManager,
        code: &AccessCode,
        old: &[String],
        new: &[String],
    ) -> redis::RedisResult<()> {
        let key = self.config.presence_key(code);
        let mut pipe = redis::pipe();
        pipe.atomic();
        for name in old.iter().filter(|name| !new.contains(name)) {
            pipe.zrem(&key, self.member(name)).ignore();
        }
        self.add(&mut pipe, &key, new);
        let hint = Message::Presence {
            origin: self.instance.to_owned(),
        };
        pipe.publish(self.config.channel(code), hint.encode())
            .ignore();
        pipe.query_async(connection).await
    }

    /// Pushes the expiry of this instance's names forward in every room
    /// it holds names in, and drops expired members.
    pub(super) async fn renew(
        &self,
        connection: &mut ConnectionManager,
        names: &HashMap<AccessCode, Vec<String>>,
    ) -> redis::RedisResult<()> {
        if names.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for (code, names) in names {
            let key = self.config.presence_key(code);
            self.add(&mut pipe, &key, names);
        }
        pipe.query_async(connection).await
    }

    /// The names other instances hold in each of `rooms`.
    pub(super) async fn read(
        &self,
        connection: &mut ConnectionManager,
        rooms: &[AccessCode],
    ) -> redis::RedisResult<Vec<BTreeSet<String>>> {
        if rooms.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        for code in rooms {
            pipe.zrangebyscore(self.config.presence_key(code), self.now_ms, "+inf");
        }
        let members: Vec<Vec<String>> = pipe.query_async(connection).await?;
        Ok(members
            .into_iter()
            .map(|members| self.others(members))
            .collect())
    }

    /// Adds (or renews) names and trims expired members and the key.
    fn add(&self, pipe: &mut redis::Pipeline, key: &str, names: &[String]) {
        let expiry = self.expiry();
        for name in names {
            pipe.zadd(key, self.member(name), expiry).ignore();
        }
        pipe.zrembyscore(key, "-inf", self.now_ms).ignore();
        let ttl_ms = self.config.presence_ttl.as_millis() as i64;
        pipe.pexpire(key, ttl_ms * 2).ignore();
    }

    /// The names in `members` held by other instances.
    fn others(&self, members: Vec<String>) -> BTreeSet<String> {
        members
            .into_iter()
            .filter_map(|member| {
                let (instance, name) = member.split_once('\n')?;
                (instance != self.instance).then(|| name.to_owned())
            })
            .collect()
    }
}
