//! Writing decks when the machine is hostile (issue 14, case 15): a missing `$TMPDIR`, a disk
//! that fills up mid-write. The binary runs with a time limit per case; every deck it writes is
//! imported by the official Anki backend (`ANKI_PYTHON`).

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use test_support::{anki_import, copy_samples};

/// The sample cards and their image, copied into a fresh folder.
fn sample_dir() -> tempfile::TempDir {
    copy_samples(&["vocabulaire.cards.json", "vocabulaire.png"])
}

fn cli() -> Command {
    let mut c = Command::cargo_bin("ocr-to-anki").expect("binary");
    c.timeout(Duration::from_secs(120));
    c
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn a_missing_tmpdir_does_not_stop_an_export() {
    test_support::require!(anki);
    let dir = sample_dir();
    let out = cli()
        .current_dir(dir.path())
        .env("TMPDIR", dir.path().join("no-such-folder"))
        .args(["export", "vocabulaire.cards.json", "-o", "deck.apkg"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = anki_import(&[&dir.path().join("deck.apkg")]);
    assert_eq!(v["imports"][0]["new"], 10, "{v}");
    assert_eq!(v["media"].as_object().expect("media").len(), 9);
    // Nothing was left beside the deck.
    assert_eq!(
        names(dir.path()),
        ["deck.apkg", "vocabulaire.cards.json", "vocabulaire.png"]
    );
}

#[cfg(unix)]
#[test]
fn a_full_disk_keeps_the_old_deck_and_leaves_no_temporary_file() {
    use std::os::unix::process::CommandExt;

    let dir = sample_dir();
    let tmp = tempfile::tempdir().expect("tmpdir");
    // The old deck, written with room to spare.
    cli()
        .current_dir(dir.path())
        .args(["export", "vocabulaire.cards.json", "-o", "deck.apkg"])
        .assert()
        .success();
    let old = std::fs::read(dir.path().join("deck.apkg")).expect("old deck");
    let before = names(dir.path());

    // Now every file the process writes stops growing at 16 KiB, as on a full disk (the write
    // fails with EFBIG; SIGXFSZ, which would kill the process, is ignored).
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ocr-to-anki"));
    cmd.current_dir(dir.path()).env("TMPDIR", tmp.path()).args([
        "export",
        "vocabulaire.cards.json",
        "-o",
        "deck.apkg",
    ]);
    // SAFETY: only async-signal-safe calls (signal, setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 16 * 1024,
                rlim_max: 16 * 1024,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a full disk is an error: {stderr}");
    assert!(
        stderr.contains("deck.apkg"),
        "the error names the deck: {stderr}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("deck.apkg")).expect("deck"),
        old,
        "the old deck is kept"
    );
    assert_eq!(
        names(dir.path()),
        before,
        "no temporary file beside the deck"
    );
    assert!(names(tmp.path()).is_empty(), "nothing in $TMPDIR");
}
