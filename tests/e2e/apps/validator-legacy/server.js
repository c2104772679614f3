// The legacy express-validator 5 middleware only hangs helpers on req: static moves past it.
const express = require('express');
const session = require('express-session');
const expressValidator = require('express-validator');
const path = require('path');

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(expressValidator());
app.use(express.static(path.join(__dirname, 'public')));

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
app.get('/greet', (req, res) => {
  req.checkQuery('name', 'name must be letters').isAlpha();
  const errors = req.validationErrors();
  res.status(errors ? 400 : 200).send(errors ? errors[0].msg : `hello ${req.query.name}`);
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
