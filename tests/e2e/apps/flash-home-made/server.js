// Between session and static: a home-made flash helper from a local module (it installs
// req.flash and wraps res.render), and a function that leaves early through `return next()`
// and remembers where a visitor was going, checked by a small local helper. Static moves
// above all of them; rendering still drains the session's messages.
const express = require('express');
const session = require('express-session');
const fs = require('fs');
const path = require('path');
const { notices } = require('./lib/notices');

const app = express();
app.engine('tpl', (file, locals, done) => {
  fs.readFile(file, 'utf8', (err, text) => {
    if (err) return done(err);
    const shown = (locals.messages && locals.messages.notice) || [];
    done(null, text.replace('{{notice}}', shown.join(',') || 'none').trim());
  });
});
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'tpl');

const isLocalPath = (url) => /^\/[\w/-]*$/.test(url);

app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(notices);
app.use((req, res, next) => {
  if (req.method !== 'GET') return next();
  const wanted = req.originalUrl;
  if (!req.session.user && isLocalPath(wanted) && !wanted.startsWith('/login')) {
    req.session.wanted = wanted;
  }
  next();
});
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

app.get('/flash/set', (req, res) => {
  req.flash('notice', 'profile saved');
  res.send('queued');
});
app.get('/flash/show', (req, res) => res.render('notice'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
