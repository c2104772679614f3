// lusca's CSRF check (reads and writes the session) and its X-Frame-Options header (set on every
// response) between session and static. The fix must keep the header on assets and leave the
// CSRF check after the session.
const express = require('express');
const session = require('express-session');
const lusca = require('lusca');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(lusca.csrf());
app.use(lusca.xframe('SAMEORIGIN'));
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

// The token for this session, and a state-changing route that needs it.
app.get('/csrf/token', (req, res) => res.send(res.locals._csrf));
app.post('/csrf/check', (req, res) => res.send('accepted'));
app.use((err, req, res, next) => res.status(res.statusCode === 403 ? 403 : 500).send(err.message));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
