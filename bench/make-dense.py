#!/usr/bin/env python3
"""Writes N small Express apps that all need fixing (the dense benchmark: nothing can be skipped).

    python3 bench/make-dense.py OUT_DIR N
"""
import os
import sys

TEMPLATE = """const express = require('express');
const session = require('express-session');
const helmet = require('helmet');
const path = require('path');

const app = express();
app.set('trust proxy', {n} % 2);
app.use(express.json());
// sessions for service {n}
app.use(session({{
  secret: process.env.SECRET_{n} || 'dev-{n}',
  resave: false,
  saveUninitialized: true,
}}));
app.use(helmet());
app.use(express.static(path.join(__dirname, 'public-{n}')));

app.get('/health', (req, res) => res.send('ok {n}'));
module.exports = app;
"""

out, count = sys.argv[1], int(sys.argv[2])
for n in range(count):
    folder = os.path.join(out, f"svc{n // 100:04d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"app{n}.js"), "w") as f:
        f.write(TEMPLATE.format(n=n))
