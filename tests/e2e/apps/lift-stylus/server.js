// stylus (tests/e2e/compilers): the stylesheet exists only as styles/style.styl, and
// stylus.middleware() compiles it into build/style.css on the first request for it, just
// before static serves that file (build/ is emptied at each start, so the run after the fix
// compiles again). A sink would move the session and the template filler after it, so the
// lift is chosen, and it must carry the compiler along with the static: left behind the
// session, the compiler would run after static had already answered 404.
const express = require('express');
const session = require('express-session');
const stylus = require('stylus');
const fs = require('fs');
const path = require('path');

const build = path.join(__dirname, 'build');
fs.rmSync(build, { recursive: true, force: true });

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use((req, res, next) => {
  res.locals.user = req.session.user;
  next();
});
app.use(stylus.middleware({ src: path.join(__dirname, 'styles'), dest: build }));
app.use(express.static(build));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
// What a template would see.
app.get('/whoami', (req, res) => res.send(res.locals.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
