// Static with fallthrough: false answers every request under its mount, so it never crosses
// a route, even one on another path: the routes must keep working as they are.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.use('/assets', express.static(path.join(__dirname, 'public'), { fallthrough: false }));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
