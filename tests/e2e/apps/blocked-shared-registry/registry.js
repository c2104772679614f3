// Shared state: whoever loads this module sees what was stored in it.
module.exports = {};
