// Between session and static: a middleware that hands the user and path to the templates, and
// one that records where an anonymous visitor was going so the login can send them back. The
// recorder writes the session on every anonymous request, so every asset response sets a
// cookie; the fix lifts static above the session.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use((req, res, next) => {
  res.locals.user = req.session.user || null;
  res.locals.path = req.path;
  next();
});
app.use((req, res, next) => {
  if (!req.session.user && !req.path.startsWith('/login')) {
    req.session.returnTo = req.originalUrl;
  }
  next();
});
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
// What a template would see.
app.get('/whoami', (req, res) => res.send(res.locals.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
