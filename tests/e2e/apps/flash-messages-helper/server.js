// express-messages (its helper in res.locals) after connect-flash: the function that fills
// res.locals is a session consumer, so the static moves above the session and the helper still
// renders the notice queued on the previous request.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(require('connect-flash')());
app.use((req, res, next) => {
  res.locals.messages = require('express-messages')(req, res);
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
// What a template would print: the helper's markup, reduced to the notice it holds.
app.get('/flash/show', (req, res) => {
  const item = /<li>(.*?)<\/li>/.exec(res.locals.messages());
  res.send(item ? item[1] : 'none');
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
