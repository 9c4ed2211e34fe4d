//! A PostgreSQL database of its own for each test, on the server named by
//! `PAIRROOM_TEST_POSTGRES` (default [`DEFAULT_URL`]), so that tests run in
//! parallel and again without meeting each other's rooms.
//!
//! When that server cannot be reached, a test that asks for a database
//! says SKIPPED on stderr and passes, unless `PAIRROOM_REQUIRE_POSTGRES=1`
//! (or the whole suite runs on PostgreSQL, `PAIRROOM_TEST_STORE=postgres`),
//! where it fails.

use std::io::Write;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The server and database tests connect to first, to create their own.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The URL of the database that test databases are created from.
pub fn admin_url() -> String {
    std::env::var("PAIRROOM_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// Whether a missing PostgreSQL fails the tests instead of skipping them.
pub fn required() -> bool {
    std::env::var("PAIRROOM_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A fresh, empty database, dropped (with any connection still open to
/// it) when this value goes, even if the test panicked.
pub struct TestDatabase {
    /// Its URL: the admin URL with this database's name.
    pub url: String,
    name: String,
    admin: String,
}

impl TestDatabase {
    /// A new database; `None` (after saying SKIPPED on stderr) when
    /// PostgreSQL cannot be reached and is not required.
    pub async fn create() -> Option<Self> {
        match Self::try_create().await {
            Ok(db) => Some(db),
            Err(e) if !required() => {
                let test = std::thread::current().name().unwrap_or("?").to_owned();
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED {test}: PostgreSQL is not reachable at {} ({e}); \
                     set PAIRROOM_REQUIRE_POSTGRES=1 to fail instead",
                    admin_url()
                );
                None
            }
            Err(e) => panic!("PostgreSQL is required but not reachable: {e}"),
        }
    }

    /// A new database, or a panic saying why there is none.
    pub async fn require() -> Self {
        Self::try_create()
            .await
            .unwrap_or_else(|e| panic!("cannot create a PostgreSQL test database: {e}"))
    }

    async fn try_create() -> Result<Self, String> {
        let admin = admin_url();
        let mut conn = connect(&admin).await?;
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
        let name = format!("pairroom_test_{:016x}", u64::from_le_bytes(bytes));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
        let _ = conn.close().await;
        let mut url = url::Url::parse(&admin).map_err(|e| e.to_string())?;
        url.set_path(&format!("/{name}"));
        Ok(Self {
            url: url.to_string(),
            name,
            admin,
        })
    }

    /// Drops the database now, under any server still using it (whose
    /// connections are ended): the way to play a lost database.
    pub async fn drop_now(&self) {
        let mut conn = connect(&self.admin).await.expect("admin connection");
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await
        .expect("database dropped");
    }

    /// The URL of this database reached through another address (a
    /// [`Proxy`]).
    pub fn url_via(&self, addr: SocketAddr) -> String {
        let mut url = url::Url::parse(&self.url).unwrap();
        url.set_host(Some(&addr.ip().to_string())).unwrap();
        url.set_port(Some(addr.port())).unwrap();
        url.to_string()
    }

    /// The PostgreSQL server's address, as the URL names it.
    pub fn server_addr(&self) -> SocketAddr {
        let url = url::Url::parse(&self.url).unwrap();
        let host = url.host_str().unwrap_or("127.0.0.1");
        let port = url.port().unwrap_or(5432);
        std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
            .unwrap()
            .next()
            .unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop cannot await, and may run inside the test's runtime: a
        // thread of its own with a runtime of its own does the work.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = connect(&admin).await {
                    let _ = sqlx::query(&sql).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

async fn connect(url: &str) -> Result<PgConnection, String> {
    let options = PgConnectOptions::from_str(url).map_err(|e| e.to_string())?;
    tokio::time::timeout(Duration::from_secs(3), PgConnection::connect_with(&options))
        .await
        .map_err(|_| "no answer within 3 s".to_owned())?
        .map_err(|e| e.to_string())
}

/// A TCP forwarder to PostgreSQL that a test can cut (nothing listens on
/// its port any more, and open connections break) and restore on the same
/// port: an outage of the database as a server sees it.
pub struct Proxy {
    /// The address servers connect to.
    pub addr: SocketAddr,
    target: SocketAddr,
    stop: Option<CancellationToken>,
}

impl Proxy {
    /// Starts forwarding from a free port to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = CancellationToken::new();
        tokio::spawn(forward(listener, target, stop.clone()));
        Self {
            addr,
            target,
            stop: Some(stop),
        }
    }

    /// Stops listening and breaks every forwarded connection.
    pub fn cut(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.cancel();
        }
    }

    /// Listens again on the same port.
    pub async fn restore(&mut self) {
        let listener = TcpListener::bind(self.addr).await.expect("port again");
        let stop = CancellationToken::new();
        tokio::spawn(forward(listener, self.target, stop.clone()));
        self.stop = Some(stop);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}

async fn forward(listener: TcpListener, target: SocketAddr, stop: CancellationToken) {
    loop {
        let inbound = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((inbound, _)) => inbound,
                Err(_) => continue,
            },
        };
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut inbound = inbound;
            let Ok(mut outbound) = TcpStream::connect(target).await else {
                return;
            };
            tokio::select! {
                () = stop.cancelled() => {}
                _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
            }
        });
    }
}
