// The static directory is assigned between session and static: lifting static above the
// assignment would serve the wrong directory, so the lift is refused; the assignment cannot
// reach the app and the session reads nothing it writes, so the session sinks below static.
const express = require('express');
const session = require('express-session');
const path = require('path');

let assets = path.join(__dirname, 'missing');
const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
assets = path.join(__dirname, 'public');
app.use(express.static(assets));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
