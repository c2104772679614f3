// A route between session and static could be shadowed by a file: the tool refuses.
const express = require('express');
const session = require('express-session');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.use(express.static(__dirname + '/public'));
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
