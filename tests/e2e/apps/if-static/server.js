// Static registered in an `if` with a side-effect-free test: the `if` moves as one unit.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
if (process.env.SERVE_ASSETS !== 'no') {
  app.use(express.static(path.join(__dirname, 'public')));
}

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
