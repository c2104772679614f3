//! Property tests: generated Express setup files are fixed safely (see `generate`), and arbitrary
//! JavaScript-like text never makes the pipeline panic or fail its own checks.

use oxc_span::SourceType;
use proptest::prelude::*;
use static_first::error::FileError;

use crate::generate::{check, generate, run, run_counting};

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_setups_are_fixed_safely(choices in proptest::collection::vec(any::<u8>(), 0..48)) {
        check(&generate(&choices));
    }

    #[test]
    fn token_soup_never_breaks_the_pipeline(tokens in proptest::collection::vec(prop_oneof![
        Just("app.use(session());"), Just("app.use(express.static('p'));"), Just("const app = express();"),
        Just("const express = require('express');"), Just("const session = require('express-session');"),
        Just("\n"), Just("\r\n"), Just("{"), Just("}"), Just("// c\n"), Just("/* c */"), Just("if (x)"),
        Just("app.get('/', f);"), Just("function f(app) {"), Just("`\n`"), Just("\u{feff}"), Just("("), Just(")"),
    ], 0..40)) {
        let text: String = tokens.concat();
        match run(&text, SourceType::mjs()) {
            Ok(_) | Err(FileError::Syntax { .. }) => {}
            Err(e) => panic!("{e}\n{text}"),
        }
    }
}

#[test]
fn the_generator_covers_fixes_and_refusals() {
    // Guards the property test against a generator that never produces a fix or a refusal.
    let (mut fixed, mut refused, mut arguments, mut ifs) = (0, 0, 0, 0);
    // Fixes whose moves crossed a call that cannot reach the app, or moved a helper call.
    let (mut across_calls, mut helpers) = (0, 0);
    // Fixes that moved some statics and left others (a static registered in a route handler).
    let mut partial = 0;
    let lines_of = |text: &str, needle: &str| {
        text.lines().enumerate().filter(|(_, l)| l.contains(needle)).map(|(i, _)| i).collect::<Vec<_>>()
    };
    // Where the generated `if` statements are: a fix moved one, or moved something across one.
    let if_places = |text: &str| {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.trim().starts_with("if ("))
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    // The lines of the generated calls with several middleware, one argument per line.
    let argument_lines = |text: &str| {
        text.lines().map(str::trim).filter(|l| l.starts_with("/* #")).map(String::from).collect::<Vec<_>>()
    };
    for seed in 0..200u8 {
        let choices: Vec<u8> = (0..48u8).map(|i| i.wrapping_mul(seed).wrapping_add(seed / 3)).collect();
        let generated = generate(&choices);
        match run_counting(&generated.text, SourceType::cjs()) {
            Ok((Some(text), _, _, partials)) => {
                fixed += 1;
                partial += usize::from(partials > 0);
                arguments += usize::from(argument_lines(&text) != argument_lines(&generated.text));
                ifs += usize::from(if_places(&text) != if_places(&generated.text));
                across_calls +=
                    usize::from(lines_of(&text, "db.connect(") != lines_of(&generated.text, "db.connect("));
                helpers +=
                    usize::from(lines_of(&text, "Helper(app)") != lines_of(&generated.text, "Helper(app)"));
            }
            Ok((None, ..)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        fixed > 20
            && refused > 20
            && arguments > 5
            && ifs > 1
            && across_calls > 0
            && helpers > 1
            && partial > 0,
        "fixed {fixed} ({arguments} by arguments, {ifs} around an if, {across_calls} across a call that \
         cannot reach the app, {helpers} moving a helper call, {partial} partly), unchanged {refused}"
    );
}
