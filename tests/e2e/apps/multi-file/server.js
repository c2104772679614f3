// The setup is spread over local modules: sessions in lib/session, assets in lib/assets, and a
// flash-to-templates middleware in lib/flash. Every asset response creates a session; the fix
// moves the serveAssets(app) call above useSessions(app).
const express = require('express');
const flash = require('connect-flash');
const { useSessions } = require('./lib/session');
const { serveAssets } = require('./lib/assets');
const flashMessages = require('./lib/flash');

const app = express();
useSessions(app);
app.use(flash());
app.use(flashMessages);
serveAssets(app);

app.get('/login', (req, res) => {
  req.session.user = 'alice';
  res.send('logged in');
});
app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));

// Queue a notice now, show it on the next page, then it is gone.
app.get('/flash/set', (req, res) => {
  req.flash('notice', 'profile saved');
  res.send('queued');
});
app.get('/flash/show', (req, res) => res.send(req.flash('notice').join(',') || 'none'));

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
