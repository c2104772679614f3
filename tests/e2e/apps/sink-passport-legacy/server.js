// passport 0.4 (tests/e2e/passport04): initialize() copies the login out of req.session for
// passport.session() to read. The static directory is assigned after the session, so the lift
// is refused and the session sinks below static: initialize() must sink along with it, or no
// login survives to the next request.
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const path = require('path');

passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, { id }));

let assets = path.join(__dirname, 'missing');
const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(passport.initialize());
app.use(passport.session());
assets = path.join(__dirname, 'public');
app.use(express.static(assets));

app.get('/login', (req, res, next) => {
  req.login({ id: 'alice' }, (err) => (err ? next(err) : res.send('logged in')));
});
app.get('/me', (req, res) => res.send(req.user ? req.user.id : 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
