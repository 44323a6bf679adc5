//! Telling the one-line run from a subcommand before clap reads the command line: the first word
//! that is not a flag or a flag's value decides, so flags may come before or after a subcommand,
//! and a word that names a subcommand is never read as an input path.

use std::ffi::OsString;

use clap::Command;

/// The flags of `cmd` that take a value, by long name and by short letter.
struct Shapes {
    long: Vec<String>,
    short: Vec<char>,
    subcommands: Vec<String>,
}

impl Shapes {
    fn of(cmd: &Command) -> Shapes {
        let mut cmd = cmd.clone();
        cmd.build();
        let mut shapes = Shapes {
            long: Vec::new(),
            short: Vec::new(),
            subcommands: Vec::new(),
        };
        for arg in cmd.get_arguments() {
            if !arg.get_action().takes_values() || arg.is_positional() {
                continue;
            }
            if let Some(longs) = arg.get_long_and_visible_aliases() {
                shapes.long.extend(longs.into_iter().map(str::to_owned));
            }
            if let Some(shorts) = arg.get_short_and_visible_aliases() {
                shapes.short.extend(shorts);
            }
        }
        for sub in cmd.get_subcommands() {
            shapes.subcommands.push(sub.get_name().to_owned());
            shapes
                .subcommands
                .extend(sub.get_all_aliases().map(str::to_owned));
        }
        shapes
    }

    /// How many of the words after a flag word are its value (0 or 1).
    fn value_words(&self, word: &str) -> usize {
        if let Some(long) = word.strip_prefix("--") {
            return usize::from(!long.contains('=') && self.long.iter().any(|l| l == long));
        }
        let letters = word.trim_start_matches('-');
        for (i, c) in letters.char_indices() {
            if self.short.contains(&c) {
                // The rest of the cluster is the value (`-lfra`), else the next word is.
                return usize::from(i + c.len_utf8() == letters.len());
            }
        }
        0
    }
}

/// The command line rearranged for clap: with a subcommand, that subcommand first and every
/// word before it after it (so `-q cards x` reads as `cards -q x`); without one, as given. The
/// error says which input word names a subcommand.
pub fn arrange(cmd: &Command, argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let shapes = Shapes::of(cmd);
    let mut first_positional = true;
    let mut i = 1;
    while i < argv.len() {
        let word = argv[i].to_string_lossy();
        if word == "--" {
            break;
        }
        if word.starts_with('-') && word.len() > 1 {
            i += 1 + shapes.value_words(&word);
            continue;
        }
        if shapes.subcommands.iter().any(|s| *s == word) {
            if !first_positional {
                return Err(format!(
                    "{word:?} names a subcommand, so it is not read as an input; write \
                     ./{word} for a file of that name, or put the subcommand before the inputs"
                ));
            }
            let mut out = Vec::with_capacity(argv.len());
            out.push(argv[0].clone());
            out.push(argv[i].clone());
            out.extend(argv[1..i].iter().cloned());
            out.extend(argv[i + 1..].iter().cloned());
            return Ok(out);
        }
        first_positional = false;
        i += 1;
    }
    Ok(argv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    fn cmd() -> Command {
        Command::new("t")
            .arg(Arg::new("inputs").num_args(0..))
            .arg(Arg::new("quiet").short('q').action(ArgAction::SetTrue))
            .arg(Arg::new("lang").short('l').long("lang"))
            .arg(Arg::new("config").long("config"))
            .subcommand(Command::new("cards").arg(Arg::new("x").num_args(0..)))
            .subcommand(Command::new("config").subcommand(Command::new("show")))
    }

    fn words(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn flags_before_a_subcommand_move_after_it() {
        let got = arrange(&cmd(), words("t -q --lang fra cards pages")).expect("ok");
        assert_eq!(got, words("t cards -q --lang fra pages"));
        let got = arrange(&cmd(), words("t --config config config show")).expect("ok");
        assert_eq!(got, words("t config --config config show"));
        let got = arrange(&cmd(), words("t -ql fra cards")).expect("ok");
        assert_eq!(got, words("t cards -ql fra"));
        let got = arrange(&cmd(), words("t -lcards cards")).expect("ok");
        assert_eq!(got, words("t cards -lcards"));
    }

    #[test]
    fn the_run_keeps_its_words_and_refuses_subcommand_names_as_inputs() {
        let line = words("t -q a.png --lang fra b.png");
        assert_eq!(arrange(&cmd(), line.clone()).expect("ok"), line);
        let err = arrange(&cmd(), words("t a.png cards")).expect_err("a subcommand word");
        assert!(err.contains("./cards"), "{err}");
        let line = words("t ./cards -- cards");
        assert_eq!(arrange(&cmd(), line.clone()).expect("ok"), line);
    }
}
