// Static mounted at /assets after session, with routes on other paths in between: no request
// reaches both, so static moves above them.
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
app.use('/assets', express.static(path.join(__dirname, 'public')));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
