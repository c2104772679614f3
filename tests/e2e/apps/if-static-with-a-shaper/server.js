// The generator-style config: outside development one branch serves the built files, records
// their folder as a setting and adds a header to what gets past them (a shaper after the
// static): it lifts above the session as one unit. The development branch also serves a
// debug route, so it stays: a partial fix.
const express = require('express');
const session = require('express-session');
const helmet = require('helmet');
const path = require('path');

const env = process.env.APP_ENV || 'production';
const app = express();
app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
if (env !== 'development') {
  const built = path.join(__dirname, 'public');
  app.use(express.static(built));
  app.set('built files', built);
  app.use(helmet.noSniff());
}
if (env === 'development') {
  app.use('/tools', express.static(path.join(__dirname, 'tools')));
  app.get('/debug', (req, res) => res.send(app.get('built files') || 'none'));
}

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
