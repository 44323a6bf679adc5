//! The config file: TOML whose keys are the long names of the flags, read before the command line
//! so that flags beat environment variables, which beat the file, which beats the built-in
//! defaults.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Command;
use clap::builder::OsStr;
use clap::parser::ValueSource;
use ocr_core::{Cache, CacheKind, UserFolder};

/// Where the config file is unless `--config` or `OCR_TO_ANKI_CONFIG` say otherwise.
pub fn default_path() -> Option<PathBuf> {
    Some(UserFolder::Config.of_app(APP)?.join("config.toml"))
}

/// The app's name, which names its folders: shared with the desktop app, so both find the same
/// caches.
pub const APP: &str = "ocr-to-anki";

/// The folder one of the caches lives in: its environment variable, else its folder in
/// `$XDG_CACHE_HOME/ocr-to-anki`.
pub fn cache_folder(kind: CacheKind) -> Option<PathBuf> {
    Cache::folder(kind, UserFolder::Cache.of_app(APP).as_deref())
}

/// The config file named by `--config` on the command line or `OCR_TO_ANKI_CONFIG`, and whether
/// it was named (a named file must exist; the default one may not).
pub fn locate(args: &[OsString]) -> (Option<PathBuf>, bool) {
    let mut named = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--config" {
            named = it.next().map(PathBuf::from);
        } else if let Some(v) = a.strip_prefix("--config=") {
            named = Some(PathBuf::from(v));
        }
    }
    let named = named.or_else(|| {
        std::env::var_os("OCR_TO_ANKI_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    match named {
        Some(p) => (Some(p), true),
        None => (default_path(), false),
    }
}

/// Reads a config file into flag ids and values (lists joined by commas).
pub fn load(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for (key, value) in table {
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            other => {
                return Err(format!(
                    "config file {}: {key}: a {} is not a setting; use a string, number, \
                     boolean or list",
                    path.display(),
                    other.type_str()
                ));
            }
        };
        out.insert(key.replace('-', "_"), text);
    }
    Ok(out)
}

/// Settings that cannot come from a config file.
const NOT_CONFIGURABLE: &[&str] = &[
    "help", "version", "config", "inputs", "input", "verbose", "json",
];

/// Settings that hold for the one-line run only (`cards` writes cards.json, not the deck).
const RUN_ONLY: &[&str] = &["output"];

/// Settings that are addresses, which may hold a password (`http://user:pass@host`): shown
/// without it, and their config-file values are not shown as defaults in `--help`.
const ADDRESSES: &[&str] = &["base_url", "anki_connect_url"];

/// The ids of the settings a config file may hold: the run's flags.
pub fn keys(cmd: &Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| a.get_long().is_some())
        .map(|a| a.get_id().as_str().to_owned())
        .filter(|id| !NOT_CONFIGURABLE.contains(&id.as_str()))
        .collect()
}

/// Makes the config file's values the defaults of the run and of every subcommand that has the
/// same flag. An unknown key is an error naming it.
pub fn apply(
    mut cmd: Command,
    values: &BTreeMap<String, String>,
    path: &Path,
) -> Result<Command, String> {
    let known = keys(&cmd);
    for key in values.keys() {
        if !known.contains(key) {
            return Err(format!(
                "config file {}: unknown setting {:?}; settings are the long flag names of \
                 `ocr-to-anki --help`, such as lang, backend, model, base-url, kinds, deck",
                path.display(),
                key.replace('_', "-")
            ));
        }
    }
    for (key, value) in values {
        let value = OsStr::from(value.clone());
        let hide = ADDRESSES.contains(&key.as_str());
        let set = move |a: clap::Arg, v: OsStr| a.default_value(v).hide_default_value(hide);
        cmd = cmd.mut_arg(key.as_str(), |a| set(a, value.clone()));
        if RUN_ONLY.contains(&key.as_str()) {
            continue;
        }
        let subs: Vec<String> = cmd
            .get_subcommands()
            .filter(|s| s.get_arguments().any(|a| a.get_id() == key.as_str()))
            .map(|s| s.get_name().to_owned())
            .collect();
        for sub in subs {
            let value = value.clone();
            cmd = cmd.mut_subcommand(sub, |s| s.mut_arg(key.as_str(), |a| set(a, value)));
        }
    }
    Ok(cmd)
}

/// The merged settings as TOML lines, each with where it came from; secrets never shown.
pub fn show(
    cmd: &Command,
    matches: &clap::ArgMatches,
    from_file: &BTreeMap<String, String>,
    path: Option<&Path>,
) -> String {
    let mut out = String::new();
    match path {
        Some(p) if p.exists() => out += &format!("# config file: {}\n", p.display()),
        Some(p) => out += &format!("# config file: {} (not there)\n", p.display()),
        None => out += "# config file: none\n",
    }
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if arg.get_long().is_none() || NOT_CONFIGURABLE.contains(&id) {
            continue;
        }
        let values: Vec<String> = matches
            .get_raw(id)
            .map(|v| v.map(|s| s.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let values: Vec<String> = if ADDRESSES.contains(&id) {
            values.iter().map(|v| llm_client::redact_url(v)).collect()
        } else {
            values
        };
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) => "command line".to_owned(),
            Some(ValueSource::EnvVariable) => format!(
                "environment {}",
                arg.get_env()
                    .map(|e| e.to_string_lossy())
                    .unwrap_or_default()
            ),
            Some(ValueSource::DefaultValue) if from_file.contains_key(id) => "config file".into(),
            Some(ValueSource::DefaultValue) => "default".into(),
            _ => "not set".into(),
        };
        let key = id.replace('_', "-");
        let shown = match values.as_slice() {
            [] => String::new(),
            [one] => toml_string(one),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|v| toml_string(v))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut note = source;
        if id == "api_key_env" {
            let set = values
                .first()
                .and_then(std::env::var_os)
                .is_some_and(|v| !v.is_empty());
            note += if set {
                "; the key is set (hidden)"
            } else {
                "; no key is set"
            };
        }
        if values.is_empty() {
            out += &format!("# {key} = (not set)\n");
        } else {
            out += &format!("{key} = {shown}  # {note}\n");
        }
    }
    out
}

fn toml_string(v: &str) -> String {
    match v {
        "true" | "false" => v.to_owned(),
        _ if v.parse::<f64>().is_ok() => v.to_owned(),
        _ => toml::Value::String(v.to_owned()).to_string(),
    }
}

/// A commented config file with every setting at its built-in default.
pub fn template(cmd: &Command) -> String {
    let mut out = String::from(
        "# ocr-to-anki configuration. Every setting is the long name of a flag of\n\
         # `ocr-to-anki --help`; flags and environment variables beat this file.\n\
         # Remove the '#' before a line to use it.\n\
         # API keys do not belong here: name the environment variable that holds the key\n\
         # with api-key-env.\n",
    );
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if arg.get_long().is_none() || NOT_CONFIGURABLE.contains(&id) {
            continue;
        }
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        out += &format!("\n# {help}\n");
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let key = id.replace('_', "-");
        match defaults.as_slice() {
            [] => out += &format!("# {key} = \"\"\n"),
            [one] => out += &format!("# {key} = {}\n", toml_string(one)),
            many => {
                out += &format!(
                    "# {key} = [{}]\n",
                    many.iter()
                        .map(|v| toml_string(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
    }
    out
}
