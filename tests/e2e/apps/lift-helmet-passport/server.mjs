// ESM, passport: lifting static carries helmet along; passport.session() stays after session.
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import passport from 'passport';
import { fileURLToPath } from 'node:url';

const publicDir = fileURLToPath(new URL('./public', import.meta.url));
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, { id }));

const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
app.use(passport.initialize());
app.use(passport.session());
app.use(helmet());
app.use(express.static(publicDir));

app.get('/login', (req, res, next) => {
  req.login({ id: 'alice' }, (err) => (err ? next(err) : res.send('logged in')));
});
app.get('/me', (req, res) => res.send(req.user ? req.user.id : 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
