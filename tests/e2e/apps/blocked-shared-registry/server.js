// The app is stored in the object ./registry exports, and ./jobs, started between the session
// and the static, reads it from there and registers a login guard for /private. This file's
// line never names the app, yet it registers on it: the tool must refuse, or the lift would
// put public/private/ in front of the guard.
const express = require('express');
const session = require('express-session');
const path = require('path');
const registry = require('./registry');
const jobs = require('./jobs');

const app = express();
registry.app = app;
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
jobs.start();
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
