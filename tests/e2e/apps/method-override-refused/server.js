// method-override between session and static rewrites req.method, which decides whether static
// answers at all: the tool must not move anything past it.
const express = require('express');
const session = require('express-session');
const methodOverride = require('method-override');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(methodOverride('X-HTTP-Method-Override'));
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.delete('/me', (req, res) => {
  delete req.session.user;
  res.send('logged out');
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
