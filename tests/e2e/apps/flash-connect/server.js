// connect-flash between session and static: it only installs req.flash, so static moves above
// the session and the flash messages still travel in the session from one request to the next.
const express = require('express');
const session = require('express-session');
const flash = require('connect-flash');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(flash());
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

// Queue a notice now, show it on the next page, then it is gone.
app.get('/flash/set', (req, res) => {
  req.flash('notice', 'profile saved');
  res.send('queued');
});
app.get('/flash/show', (req, res) => res.send(req.flash('notice').join(',') || 'none'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
