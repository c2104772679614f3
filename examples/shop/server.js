// A typical Express shop: sessions for carts, then assets. Every image and stylesheet
// request loads (and creates) a session and answers with Set-Cookie.
const express = require('express');
const session = require('express-session');
const compression = require('compression');
const passport = require('passport');
const path = require('path');

const app = express();

app.set('view engine', 'ejs');
app.use(express.json());

// Carts live in the session.
app.use(session({
  secret: process.env.SESSION_SECRET,
  resave: false,
  saveUninitialized: true,
}));
app.use(passport.initialize());
app.use(passport.session());
app.use(compression());

app.use('/assets', express.static(path.join(__dirname, 'public'), { maxAge: '7d' }));

app.get('/', (req, res) => res.render('home', { user: req.user }));

module.exports = app;
