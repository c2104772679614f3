// Session setup shared by the app and its tests.
const session = require('express-session');

function useSessions(app) {
  app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
}

module.exports = { useSessions };
