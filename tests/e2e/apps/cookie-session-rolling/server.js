// cookie-session's own "roll the expiry" recipe writes the session on every request, so static
// responses carry Set-Cookie. The inline function only touches req.session and always calls
// next(): a session consumer, which static may move above.
const express = require('express');
const cookieSession = require('cookie-session');
const path = require('path');

const app = express();
app.use(cookieSession({ name: 'session', keys: ['e2e key'] }));
app.use(function (req, res, next) {
  req.session.nowInMinutes = Math.floor(Date.now() / 60e3);
  next();
});
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
