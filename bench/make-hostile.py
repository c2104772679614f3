#!/usr/bin/env python3
"""Writes one JavaScript file of a hostile shape at a given size (the scaling benchmark).

    python3 bench/make-hostile.py SHAPE N OUT_FILE

Shapes (N is the repeat count; each file holds a session and a static registration, so the
prefilter lets it through and detection, planning and the fix all run):

- nest: N nested `if` blocks, session and static in the innermost
- callbacks: N callbacks nested in calls (`x.y(() => {`), session and static in the innermost
- callbacks-two: the same with a registration at every level too (each level's list is a block)
- elseif: a session, then an `if`/`else if` chain of N branches that each serve static files
- routers: N routers, each registering session then static
- registrations: a session, then N static registrations on the same app
- chain: one `app.use(session).use(...)...` chain of N links, static last
- array: a session, then one `app.use([...])` of N static middleware

src/pipeline/work.rs builds the same shapes and checks that the work counted grows linearly.
"""
import sys

HEAD = ("const express = require('express');\nconst session = require('express-session');\n"
        "const app = express();\n")


def nest(n):
    return (HEAD + "if (a) {\n" * n + "app.use(session({}));\napp.use(express.static('p'));\n"
            + "}\n" * n)


def callbacks(n):
    return (HEAD + "x.y(() => {\n" * n + "app.use(session({}));\napp.use(express.static('p'));\n"
            + "});\n" * n)


def callbacks_two(n):
    return (HEAD + "x.y(() => {\napp.use(express.json());\n" * n
            + "app.use(session({}));\napp.use(express.static('p'));\n" + "});\n" * n)


def elseif(n):
    branches = " else ".join(f"if (x === {i}) {{\n  app.use(express.static('p{i}'));\n}}" for i in range(n))
    return HEAD + "app.use(session({}));\n" + branches + "\n"


def routers(n):
    body = "".join(f"const r{i} = express.Router();\nr{i}.use(session({{}}));\nr{i}.use(express.static('p{i}'));\n"
                   for i in range(n))
    return HEAD + body


def registrations(n):
    return HEAD + "app.use(session({}));\n" + "".join(f"app.use(express.static('p{i}'));\n" for i in range(n))


def chain(n):
    links = "".join(f"\n  .use(express.json({{ limit: {i} }}))" for i in range(n))
    return HEAD + "app.use(session({}))" + links + "\n  .use(express.static('p'));\n"


def array(n):
    items = ",\n".join(f"  express.static('p{i}')" for i in range(n))
    return HEAD + "app.use(session({}));\napp.use([\n" + items + "\n]);\n"


SHAPES = {f.__name__.replace("_", "-"): f
          for f in (nest, callbacks, callbacks_two, elseif, routers, registrations, chain, array)}

if __name__ == "__main__":
    shape, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(out, "w") as f:
        f.write(SHAPES[shape](count))
