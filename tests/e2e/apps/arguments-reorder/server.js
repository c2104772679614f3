// Session and static in one call: the fix swaps the arguments. The private files sit behind
// a guard in their own call, which must stay as it is.
const express = require('express');
const session = require('express-session');
const path = require('path');

function requireLogin(req, res, next) {
  if (!req.session.user) return res.status(401).send('login required');
  next();
}

const app = express();
app.use(
  // Sessions for every page.
  session({ secret: 'e2e secret', resave: false, saveUninitialized: true }),
  // Assets.
  express.static(path.join(__dirname, 'public')),
);
app.use('/private', requireLogin, express.static(path.join(__dirname, 'private')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
