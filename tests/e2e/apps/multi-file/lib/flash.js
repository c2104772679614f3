// Hands the queued info messages to the templates. connect-flash is registered before this, so
// req.flash is always there.
module.exports = (req, res, next) => {
  res.locals.messages = req.flash('info');
  next();
};
