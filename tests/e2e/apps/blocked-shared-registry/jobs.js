const registry = require('./registry');

exports.start = function () {
  registry.app.use('/private', (req, res, next) => {
    if (!req.session.user) return res.status(401).send('login required');
    next();
  });
};
