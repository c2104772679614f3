//! A bound on oxc's name resolution, checked before it runs. oxc_semantic resolves each name
//! by walking out through the scopes around it, so `n` nested blocks that each read a name
//! cost `n * n / 2` lookups (2 s at 64,000 blocks, and no work budget can stop it midway).
//! Counting the scopes around every name costs one walk of the tree.

use std::cell::Cell;

use oxc_ast::ast::{IdentifierReference, Program};
use oxc_ast_visit::Visit;
use oxc_syntax::scope::{ScopeFlags, ScopeId};

/// The most scope steps name resolution may take in one file: a quarter of a second, and
/// more than a thousand nested blocks reading a name in each need (8,000 blocks is 32M).
pub const MAX_LOOKUPS: u64 = 1 << 25;

/// At most how many scope steps oxc takes to resolve every name in `program`: for each name,
/// the number of scopes around it.
pub fn lookups(program: &Program<'_>) -> u64 {
    let mut count = Count { depth: 0, lookups: 0 };
    count.visit_program(program);
    count.lookups
}

struct Count {
    depth: u64,
    lookups: u64,
}

impl<'a> Visit<'a> for Count {
    fn enter_scope(&mut self, _: ScopeFlags, _: &Cell<Option<ScopeId>>) {
        self.depth += 1;
    }

    fn leave_scope(&mut self) {
        self.depth -= 1;
    }

    fn visit_identifier_reference(&mut self, _: &IdentifierReference<'a>) {
        self.lookups = self.lookups.saturating_add(self.depth);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxc_allocator::Allocator;
    use oxc_span::SourceType;

    fn count(text: &str) -> u64 {
        let allocator = Allocator::default();
        lookups(&crate::parse::parse(&allocator, text, SourceType::cjs()).expect("parses"))
    }

    #[test]
    fn each_name_costs_the_scopes_around_it() {
        // The program's scope, then one per block.
        assert_eq!(count("a; b;"), 2);
        assert_eq!(count("a; { b; { c; } }"), 1 + 2 + 3);
        assert_eq!(count("function f(x) { return x + y; }"), 2 * 2);
    }

    #[test]
    fn deep_nesting_costs_the_square_of_its_depth() {
        let n = 1000;
        let nest = format!("{}{}", "if (a) {\n".repeat(n), "}\n".repeat(n));
        // `a` in block k's test is inside k scopes (the program's and k - 1 blocks).
        assert_eq!(count(&nest), (1..=n as u64).sum::<u64>());
    }
}
