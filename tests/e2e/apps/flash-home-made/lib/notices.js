// A home-made flash helper: it installs req.flash (messages kept in the session) and wraps
// res.render so that every rendered view gets the queued messages, then calls next().
exports.notices = (req, res, next) => {
  if (req.flash) return next();
  req.flash = (kind, text) => {
    const box = (req.session.notices = req.session.notices || {});
    if (!kind) {
      req.session.notices = {};
      return box;
    }
    if (!text) {
      const list = box[kind] || [];
      delete box[kind];
      return list;
    }
    (box[kind] = box[kind] || []).push(text);
    return box[kind].length;
  };
  res.render = ((render) =>
    function (...args) {
      res.locals.messages = req.flash();
      return render.apply(this, args);
    })(res.render);
  next();
};
