// Between session and static: a debug logger, a database connection, an event bus and template
// data. None of them is given the app, and the app has not escaped yet, so none can register
// middleware on it: static moves above the session.
const express = require('express');
const session = require('express-session');
const path = require('path');
const db = require('./db');

// Debug output goes to stderr: stdout's first line is the "listening on" line.
function log(msg) {
  if (process.env.DEBUG) console.error(msg);
}

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
log('ready');
db.connect();
const bus = new (require('events'))();
bus.on('x', () => {});
app.locals.title = 'Shop';
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.get('/status', (req, res) => res.send(`${app.locals.title}: ${db.isConnected() ? 'up' : 'down'}`));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
