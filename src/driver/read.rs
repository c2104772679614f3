//! Reads one file and screens out what cannot or should not be parsed (too large, binary, not
//! UTF-8, minified, or without both a session and a static module named in it), then runs the
//! pipeline on it and writes the fix when the run writes.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use super::Options;
use super::modules::ModuleCache;
use super::worker::{Scope, Worker};
use super::write::Writer;
use crate::config::{Config, Configs};
use crate::error::FileError;
use crate::knowledge::{Kind, STATIC_METHODS, TABLE};
use crate::parse::source_type;
use crate::report::{FileReport, Mode, Pending, Replacement, unified_diff};
use crate::source::Source;

/// A line this long means minified or generated code: fix its source instead.
const MAX_LINE: usize = 10_000;

/// The byte strings a file must hold to register session (then static) middleware: derived
/// from the knowledge table, plus the receiver methods that register static files.
static NEEDLES: LazyLock<[Vec<Finder<'static>>; 2]> = LazyLock::new(|| {
    let finders =
        |names: Vec<String>| names.into_iter().map(|n| Finder::new(n.as_bytes()).into_owned()).collect();
    let mut statics = TABLE.needles(Kind::Static);
    statics.extend(STATIC_METHODS.iter().map(|m| m.to_string()));
    [finders(TABLE.needles(Kind::Session)), finders(statics)]
});

/// A relative module specifier: a local module may register the other half.
static LOCAL: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
    ["'./", "\"./", "'../", "\"../", "`./"].iter().map(|n| Finder::new(n.as_bytes()).into_owned()).collect()
});

/// A file that registers middleware: `app.use(`, `app.useStaticAssets(`.
static REGISTERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
    [".use(", ".useStaticAssets("].iter().map(|n| Finder::new(n.as_bytes()).into_owned()).collect()
});

/// Whether the bytes can hold a finding: they name a session module and a static one (from the
/// table, or declared by the configuration), or one of them and a local module (a helper there
/// may register the other half). With only a static module and a local module, the file must
/// also register middleware: the word `static` is in too many files otherwise.
pub fn may_hold_finding(bytes: &[u8], config: &Config) -> bool {
    let names = |kind| config.modules(kind).any(|m| memchr::memmem::find(bytes, m.as_bytes()).is_some());
    let [session, statics] = &*NEEDLES;
    let found = |finders: &[Finder<'_>]| finders.iter().any(|f| f.find(bytes).is_some());
    let statics = || found(statics) || names(Kind::Static);
    let local = || found(&LOCAL);
    // A needle that is absent, as most are from most files, costs a scan of the whole file: no
    // group is searched once the answer is known, and without a session module the two
    // needles of the rarest condition go first.
    if found(session) || names(Kind::Session) {
        statics() || local()
    } else {
        found(&REGISTERS) && statics() && local()
    }
}

/// Why a file of `size` bytes is not read: over `--max-filesize`.
pub fn too_large(size: u64, max_filesize: u64) -> Option<String> {
    (size > max_filesize).then(|| {
        format!("larger than --max-filesize ({size} > {max_filesize} bytes); raise the limit to check it")
    })
}

/// Why bytes are not parsed: a NUL byte means a binary file.
pub fn binary(bytes: &[u8]) -> Option<String> {
    memchr::memchr(0, bytes).is_some().then(|| "a binary file (it contains NUL bytes)".to_string())
}

/// Why text is not parsed: a line this long means minified or generated code.
fn minified(raw: &str) -> Option<String> {
    longest_line(raw.as_bytes()).filter(|&n| n > MAX_LINE).map(|longest| {
        format!("looks minified or generated (a line of {longest} bytes); fix the source it is built from")
    })
}

/// The length in bytes of the longest line (`\n` ends a line); memchr finds the line breaks
/// a vector at a time, where `str::split` looks at every character.
fn longest_line(bytes: &[u8]) -> Option<usize> {
    let ends = memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]);
    ends.scan(0, |start, end| Some(end - std::mem::replace(start, end + 1))).max()
}

/// Reads, screens and fixes one file, and writes the fix when asked to.
pub fn process_file(
    worker: &mut Worker,
    path: &Path,
    options: &Options,
    configs: &Configs,
    modules: &ModuleCache,
    writer: &Writer,
) -> FileReport {
    let Some(source_type) = source_type(path) else {
        return FileReport::failed(path, FileError::Unsupported);
    };
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return FileReport::failed(path, FileError::Read(e)),
    };
    // No fstat before reading: the buffer is reused, so its capacity already fits most files,
    // and reading one byte more than the limit tells a file over it. Only such a file is
    // measured, for the message.
    worker.buffer.clear();
    if let Err(e) = (&mut file).take(options.max_filesize.saturating_add(1)).read_to_end(&mut worker.buffer) {
        return FileReport::failed(path, FileError::Read(e));
    }
    if worker.buffer.len() as u64 > options.max_filesize {
        let size = file.metadata().map_or(worker.buffer.len() as u64, |meta| meta.len());
        let why = too_large(size, options.max_filesize)
            .unwrap_or_else(|| "grew past --max-filesize while it was read; run again".into());
        return FileReport::skipped(path, why);
    }
    let bytes = &worker.buffer[..];
    let config = match configs.for_file(path) {
        Ok(config) => config,
        Err(error) => return FileReport::failed(path, FileError::Config(error)),
    };
    if !may_hold_finding(bytes, &config) {
        return FileReport::new(path);
    }
    if let Some(why) = binary(bytes) {
        return FileReport::skipped(path, why);
    }
    let Ok(raw) = std::str::from_utf8(bytes) else {
        return FileReport::failed(path, FileError::NotUtf8);
    };
    if let Some(why) = minified(raw) {
        return FileReport::skipped(path, why);
    }
    let source = Source::new(raw);
    let outcome = worker.fixer.fix(
        path,
        source,
        source_type,
        &config,
        modules,
        Scope::All { explain: options.explain },
    );
    let mut report = FileReport::from_outcome(path, outcome.findings, outcome.notes, outcome.error);
    let Some(fixed) = outcome.fixed else { return report };
    if options.interactive {
        report.pending = Some(Pending { before: source.text.to_string(), after: fixed, bom: source.bom });
        return report;
    }
    if options.format.needs_diff(options.mode) {
        // Of the file as it is on disk, BOM included, so `git apply` matches its first line.
        report.diff = Some(unified_diff(path, raw, &source.with_text(&fixed)));
    }
    if options.format.needs_replacement() {
        report.replacement = Some(Replacement::between(source.text, &fixed));
    }
    if options.mode == Mode::Write {
        match writer.write(path, source, &fixed) {
            Ok(()) => report.written = true,
            Err(error) => report.error = Some(error),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_lets_every_known_module_through() {
        let modules = |kind| {
            let named = TABLE.entries().filter(move |e| e.kind() == kind);
            named.map(|e| {
                if matches!(e.module.as_str(), "express" | "connect") {
                    format!("{}.{}", e.module, e.export)
                } else {
                    format!("'{}'", e.module)
                }
            })
        };
        for session in modules(Kind::Session) {
            for statics in
                modules(Kind::Static).chain(["express['static']".to_string(), "app.useStaticAssets".into()])
            {
                let text = format!("require({session}); require({statics})");
                assert!(may_hold_finding(text.as_bytes(), &Config::default()), "{text}");
            }
        }
        assert!(!may_hold_finding(b"require('express').static('x')", &Config::default()));
        // One half and a local module, which may register the other half.
        assert!(may_hold_finding(b"require('express-session'); require('./assets')", &Config::default()));
        assert!(!may_hold_finding(b"require('express-session'); require('lodash')", &Config::default()));
        // A static module and a local module (which may register session): only where the
        // file registers middleware.
        let helper = "require('serve-static'); const auth = require('./auth'); auth(app); app.use(s('www'))";
        assert!(may_hold_finding(helper.as_bytes(), &Config::default()));
        assert!(!may_hold_finding(b"class A { static x = require('./a') }", &Config::default()));
        // Registering static middleware with no session module and no local module.
        assert!(!may_hold_finding(b"require('serve-static'); app.use(s('www'))", &Config::default()));
    }

    /// The ESLint plugin's prefilter (JavaScript) reads the same needles from a copy; set
    /// `STATIC_FIRST_UPDATE_NEEDLES=1` to rewrite the copy after the table changes.
    #[test]
    fn the_eslint_plugin_has_the_prefilters_needles() {
        let strings = |finders: &[Finder<'_>]| -> Vec<String> {
            finders.iter().map(|f| String::from_utf8(f.needle().to_vec()).unwrap()).collect()
        };
        let [session, statics] = &*NEEDLES;
        let expected = serde_json::to_string_pretty(&serde_json::json!({
            "session": strings(session),
            "static": strings(statics),
            "local": strings(&LOCAL),
            "registers": strings(&REGISTERS),
        }))
        .unwrap()
            + "\n";
        let copy =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("npm/eslint-plugin-static-first/lib/needles.json");
        if std::env::var_os("STATIC_FIRST_UPDATE_NEEDLES").is_some() {
            fs::write(&copy, &expected).unwrap();
        }
        let found = fs::read_to_string(&copy).unwrap_or_default();
        assert!(
            found == expected,
            "{} is stale: run STATIC_FIRST_UPDATE_NEEDLES=1 cargo test --lib needles",
            copy.display()
        );
    }

    #[test]
    fn the_longest_line_counts_bytes_between_line_breaks() {
        for text in ["", "\n", "ab", "ab\n", "a\nbcd\n\nef", "\n\nabc", "é\nab", "x\r\ny"] {
            assert_eq!(longest_line(text.as_bytes()), text.split('\n').map(str::len).max(), "{text:?}");
        }
    }

    #[test]
    fn the_prefilter_learns_the_configured_modules() {
        let config = Config::parse(
            Path::new("static-first.toml"),
            "[middleware]\nsession = [\"@acme/store\"]\nstatic = [\"@acme/web#serve\"]\n",
        )
        .unwrap();
        let text = b"require('@acme/store'); require('@acme/web')";
        assert!(!may_hold_finding(text, &Config::default()));
        assert!(may_hold_finding(text, &config));
        assert!(!may_hold_finding(b"require('@acme/store')", &config));
    }
}
