// A route under the static mount path answers for a file the static directory also holds, and
// only to logged-in users. Moving static above it would publish the file: the tool must refuse.
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
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.get('/Assets/secret.txt', requireLogin, (req, res) => res.sendFile('secret.txt', { root: path.join(__dirname, 'public') }));
app.use('/assets', express.static(path.join(__dirname, 'public')));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
