// A plugin loader: load() takes no app, but a plugin could reach the app through whatever it
// was handed earlier (here, nothing; the tool cannot know that).
const loaded = [];

exports.load = function () {
  loaded.push('audit');
  return loaded;
};
