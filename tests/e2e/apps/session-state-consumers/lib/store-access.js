// Hands later handlers the session store (to list or end a user's other sessions).
exports.attach = function (store) {
  return function (req, res, next) {
    req.sessionStore = store;
    next();
  };
};
