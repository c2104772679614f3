// Middleware the tool cannot classify (an arrow with an expression body) guards /private,
// which the static directory also serves. Moving static above it would publish the file.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use((req, res, next) =>
  req.path.startsWith('/private') && !req.session.user ? res.status(401).send('login required') : next(),
);
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
