// less-middleware (tests/e2e/compilers): styles/style.less is compiled into build/style.css
// when it is first asked for (build/ is emptied at each start). The static's directory is
// chosen after the session, so the lift is refused and the session sinks below the static,
// crossing the compiler, which never reads the session.
const express = require('express');
const session = require('express-session');
const lessMiddleware = require('less-middleware');
const fs = require('fs');
const path = require('path');

const build = path.join(__dirname, 'build');
fs.rmSync(build, { recursive: true, force: true });
let site = path.join(__dirname, 'missing');
const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
site = build;
app.use(lessMiddleware(path.join(__dirname, 'styles'), { dest: site }));
app.use(express.static(site));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
