// The app lives in a class field and is configured in a method: `this.app` is the receiver.
const express = require('express');
const session = require('express-session');
const path = require('path');

class Server {
  constructor(publicDir) {
    this.publicDir = publicDir;
    this.app = express();
  }

  configure() {
    this.app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
    this.app.use(express.static(this.publicDir));
    this.app.get('/login', (req, res) => {
      req.session.user = 'alice';
      res.send('logged in');
    });
    this.app.get('/me', (req, res) => res.send(req.session.user || 'nobody'));
    return this.app;
  }
}

const app = new Server(path.join(__dirname, 'public')).configure();
const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
