// Between the session and the favicon-like static: an inline function that copies the session's
// login into passport's request field, and a local module's factory that hands every request
// the store. Both only touch the session's state: the static lifts over them, and /store (which
// reads req.sessionStore) still sees the store.
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const path = require('path');
const storeAccess = require('./lib/store-access');

const store = new session.MemoryStore();
const app = express();
app.use(passport.initialize());
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true, store }));
app.use(function (req, res, next) {
  if (req.session && req.session.user && req._passport) {
    req._passport.session = { user: req.session.user };
  }
  next();
});
app.use(storeAccess.attach(store));
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.get('/store', (req, res) => res.send(req.sessionStore === store ? 'shared' : 'missing'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
