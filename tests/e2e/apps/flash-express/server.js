// express-flash between session and static: it wraps res.render to hand the queued messages to
// the view. Static moves above the session; rendering still drains the session's messages.
const express = require('express');
const session = require('express-session');
const flash = require('express-flash');
const fs = require('fs');
const path = require('path');

const app = express();
// A tiny template engine: {{notice}} becomes the notices the view was given.
app.engine('tpl', (file, locals, done) => {
  fs.readFile(file, 'utf8', (err, text) => {
    if (err) return done(err);
    const notices = (locals.messages && locals.messages.notice) || [];
    done(null, text.replace('{{notice}}', notices.join(',') || 'none').trim());
  });
});
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'tpl');

app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(flash());
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
