//! Turns a file's text into an oxc program, or into a parse error that says where and why.

pub mod arena;
pub mod probe;
pub mod scopes;

use std::path::Path;

use oxc_allocator::Allocator;
use oxc_ast::ast::Program;
use oxc_parser::Parser;
use oxc_span::SourceType;

/// A syntax error: oxc's message and the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub offset: u32,
}

/// The source type for a path, or `None` when the extension is not JavaScript or TypeScript.
///
/// `ignore`'s `js` type also matches `.vue`; oxc's table is the one that decides here.
pub fn source_type(path: &Path) -> Option<SourceType> {
    let st = SourceType::from_path(path).ok()?;
    // Declaration files hold no code that runs.
    (!st.is_typescript_definition()).then_some(st)
}

/// Parses `text`. A `.js` file may hold JSX, which oxc only reads when asked: retry with JSX on.
pub fn parse<'a>(
    allocator: &'a Allocator,
    text: &'a str,
    source_type: SourceType,
) -> Result<Program<'a>, SyntaxError> {
    match parse_once(allocator, text, source_type) {
        Ok(program) => Ok(program),
        Err(first) if !source_type.is_jsx() && !source_type.is_typescript() => {
            parse_once(allocator, text, source_type.with_jsx(true)).map_err(|_| first)
        }
        Err(first) => Err(first),
    }
}

fn parse_once<'a>(
    allocator: &'a Allocator,
    text: &'a str,
    source_type: SourceType,
) -> Result<Program<'a>, SyntaxError> {
    let ret = Parser::new(allocator, text, source_type).parse();
    if ret.is_flow_language && (ret.panicked || !ret.diagnostics.is_empty()) {
        return Err(SyntaxError {
            message: "Flow type annotations are not supported (strip them, for example with \
                      flow-remove-types, or exclude the file)"
                .into(),
            offset: 0,
        });
    }
    if let Some(diagnostic) = ret.diagnostics.into_iter().next() {
        let offset = diagnostic.labels.first().map_or(0, |label| label.offset());
        return Err(SyntaxError { message: diagnostic.message.to_string(), offset });
    }
    if ret.panicked {
        return Err(SyntaxError { message: "the parser gave up on this file".into(), offset: 0 });
    }
    Ok(ret.program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsx_in_js_parses_on_retry() {
        let alloc = Allocator::default();
        let st = source_type(Path::new("a.js")).unwrap();
        assert!(parse(&alloc, "const a = <div/>;", st).is_ok());
    }

    #[test]
    fn syntax_error_has_message_and_offset() {
        let alloc = Allocator::default();
        let st = source_type(Path::new("a.js")).unwrap();
        let err = parse(&alloc, "let a = ;", st).unwrap_err();
        assert!(!err.message.is_empty());
        assert_eq!(err.offset, 8);
    }

    #[test]
    fn flow_files_say_so() {
        let alloc = Allocator::default();
        let st = source_type(Path::new("a.js")).unwrap();
        let err = parse(&alloc, "// @flow\nfunction f(x: ?number): %checks { return x; }\n", st).unwrap_err();
        assert!(err.message.contains("Flow"), "{}", err.message);
    }

    #[test]
    fn declaration_files_and_vue_are_not_sources() {
        assert!(source_type(Path::new("a.d.ts")).is_none());
        assert!(source_type(Path::new("a.vue")).is_none());
        assert!(source_type(Path::new("a.mts")).is_some());
    }
}
