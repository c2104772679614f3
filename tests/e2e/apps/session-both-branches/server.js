// Session registered in both branches of an `if`: one session registration at the `if`.
const express = require('express');
const session = require('express-session');
const path = require('path');

const app = express();
if (process.env.NODE_ENV === 'production') {
  app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true, cookie: { secure: true } }));
} else {
  app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
}
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
