// A router is its own receiver: the fix happens inside it.
const express = require('express');
const session = require('express-session');
const path = require('path');

const site = express.Router();
site.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
site.use(express.static(path.join(__dirname, 'public')));
site.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
site.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const app = express();
app.use(site);

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
