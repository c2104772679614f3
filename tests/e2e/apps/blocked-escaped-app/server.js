// The app escapes into an HTTP server before the session is registered. After that, a call that
// is not given the app may still reach it (the server holds it), so plugins.load() between
// session and static could register middleware: the tool refuses and leaves the file alone.
const express = require('express');
const session = require('express-session');
const path = require('path');
const plugins = require('./plugins');

const app = express();
const server = require('http').createServer(app);
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
plugins.load();
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
