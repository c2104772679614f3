// The public assets can move above the session; the private files stay behind their guard, which
// needs the session: a partial fix.
const express = require('express');
const session = require('express-session');
const path = require('path');

function requireLogin(req, res, next) {
  if (!req.session.user) return res.status(401).send('login required');
  next();
}

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.use('/assets', express.static(path.join(__dirname, 'public')));
app.use('/private', requireLogin);
app.use('/private', express.static(path.join(__dirname, 'private')));
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
