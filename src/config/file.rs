//! The optional TOML file of `pairroom serve --config FILE`.
//!
//! The file's settings are turned into flags and parsed by clap like the
//! command line, so a value in the file is checked exactly as the same
//! flag would be, and `--help` stays the one description of every setting.
//! A setting from the file is used only where neither a flag nor an
//! environment variable gave one.

use std::ffi::OsString;
use std::path::Path;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use super::Cli;

/// Parses the command line (`args`, program name first), merging the
/// `--config` file of `serve` if there is one. Errors are clap's (they
/// print usage) or the file's, already phrased for the user.
pub fn parse_args(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let matches = Cli::command().try_get_matches_from(&args)?;
    let Some(("serve", serve)) = matches.subcommand() else {
        return Cli::from_arg_matches(&matches);
    };
    let Some(path) = serve.get_one::<std::path::PathBuf>("config") else {
        return Cli::from_arg_matches(&matches);
    };
    let table = read(path).map_err(|e| file_error(path, &e))?;
    let unset = |id: &str| {
        matches!(
            serve.value_source(id),
            None | Some(ValueSource::DefaultValue)
        )
    };
    let extra = flags(&table, unset).map_err(|e| file_error(path, &e))?;
    let mut merged = args;
    merged.extend(extra);
    let matches = Cli::command()
        .try_get_matches_from(&merged)
        .map_err(|e| file_error(path, &format!("a value is not valid: {}", e.render())))?;
    Cli::from_arg_matches(&matches)
}

/// Checks a file as `serve --config` would read it: every key a setting,
/// every value valid for it.
pub fn check_file(path: &Path) -> Result<(), String> {
    let table = read(path)?;
    let extra = flags(&table, |_| true)?;
    let mut args: Vec<OsString> = vec!["pairroom".into(), "serve".into()];
    args.extend(extra);
    Cli::command()
        .try_get_matches_from(&args)
        .map(|_| ())
        .map_err(|e| e.render().to_string())
}

fn read(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    text.parse::<toml::Table>().map_err(|e| e.to_string())
}

fn file_error(path: &Path, message: &str) -> clap::Error {
    clap::Error::raw(
        clap::error::ErrorKind::ValueValidation,
        format!("configuration file {}: {message}\n", path.display()),
    )
}

/// The flags that say what `table` says, for the settings `wanted`
/// accepts (by clap id).
fn flags(table: &toml::Table, wanted: impl Fn(&str) -> bool) -> Result<Vec<OsString>, String> {
    let command = Cli::command();
    let serve = command
        .find_subcommand("serve")
        .expect("serve is a subcommand");
    let mut out = Vec::new();
    for (key, value) in table {
        let name = key.replace('_', "-");
        let arg = serve
            .get_arguments()
            .find(|a| a.get_long() == Some(name.as_str()) || a.get_id() == key.as_str())
            .filter(|a| a.get_id() != "config")
            .ok_or_else(|| format!("unknown setting {key:?} (see pairroom serve --help)"))?;
        if !wanted(arg.get_id().as_str()) {
            continue;
        }
        let long = arg.get_long().expect("every setting has a long flag");
        let takes_values = arg.get_action().takes_values();
        let values: Vec<&toml::Value> = match value {
            toml::Value::Array(items) if takes_values => items.iter().collect(),
            other => vec![other],
        };
        for value in values {
            match (value, takes_values) {
                (toml::Value::Boolean(true), false) => out.push(format!("--{long}").into()),
                (toml::Value::Boolean(false), false) => {}
                (_, false) => return Err(format!("{key} is true or false")),
                (toml::Value::String(s), true) => out.push(format!("--{long}={s}").into()),
                (toml::Value::Integer(n), true) => out.push(format!("--{long}={n}").into()),
                (toml::Value::Float(x), true) => out.push(format!("--{long}={x}").into()),
                (toml::Value::Boolean(b), true) => out.push(format!("--{long}={b}").into()),
                _ => return Err(format!("{key} has a value of the wrong kind")),
            }
        }
    }
    Ok(out)
}
