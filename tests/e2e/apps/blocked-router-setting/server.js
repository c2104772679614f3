// A routing setting sits between session and static: Express reads it when the router is first
// created, so the tool must not move anything across it.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.set('strict routing', true);
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
