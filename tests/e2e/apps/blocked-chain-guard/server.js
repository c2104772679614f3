// One chain: session, a guard on /private, then static for a directory that holds the private
// files too. Moving static ahead of the guard would publish them, so the tool must refuse.
const express = require('express');
const session = require('express-session');
const path = require('path');

function requireLogin(req, res, next) {
  if (!req.session.user) return res.status(401).send('login required');
  next();
}

const app = express();
app
  .use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }))
  .use('/private', requireLogin)
  .use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
