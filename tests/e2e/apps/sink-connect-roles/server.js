// connect-roles (tests/e2e/connect-roles): roles.middleware() reads req.user when it runs,
// copying the login into res.locals.user for the templates. The static directory is assigned
// after the session, so the lift is refused and the session sinks below static: the roles
// middleware must sink along with passport, or res.locals never sees the user.
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const ConnectRoles = require('connect-roles');
const path = require('path');

passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, { id }));

const roles = new ConnectRoles();
let assets = path.join(__dirname, 'missing');
const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(passport.initialize());
app.use(passport.session());
app.use(roles.middleware());
assets = path.join(__dirname, 'public');
app.use(express.static(assets));

app.get('/login', (req, res, next) => {
  req.login({ id: 'alice' }, (err) => (err ? next(err) : res.send('logged in')));
});
app.get('/me', (req, res) => res.send(req.user ? req.user.id : 'nobody'));
// What a template would see.
app.get('/whoami', (req, res) => res.send(res.locals.user ? res.locals.user.id : 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
