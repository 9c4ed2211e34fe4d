//! The `pairroom` binary: parses the command line and runs the server.

use pairroom::app::App;
use pairroom::config::{Cli, Command, ConfigCommand, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Cli { command } = match pairroom::config::parse_args(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let config = match command {
        Command::Serve(config) => config,
        Command::Config(ConfigCommand::Check { file }) => {
            return match pairroom::config::check_file(&file) {
                Ok(()) => {
                    println!("{}: ok", file.display());
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    std::process::ExitCode::from(2)
                }
            };
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Plain => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let app = match App::build(&config).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let shutdown = app.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    app.run().await;
    std::process::ExitCode::SUCCESS
}

/// Resolves on Ctrl-C or SIGTERM.
async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("can listen for SIGTERM");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
